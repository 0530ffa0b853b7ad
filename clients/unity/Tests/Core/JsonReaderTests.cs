using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace PacketFlow.Client.Tests
{
    [TestFixture]
    public class JsonReaderTests
    {
        [Test]
        public void ReadsEveryKindOfValue()
        {
            Dictionary<string, object> value = JsonReader.ParseObject(
                "{\"s\":\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\",\"n\":-12.5e1,\"i\":0,\"t\":true,\"f\":false,\"z\":null," +
                "\"o\":{\"inner\":[1,[2],{}]},\"a\":[]}");
            Assert.AreEqual("a\"b\\c/d\né😀", value["s"]);
            Assert.AreEqual(-125d, value["n"]);
            Assert.AreEqual(0d, value["i"]);
            Assert.AreEqual(true, value["t"]);
            Assert.AreEqual(false, value["f"]);
            Assert.IsNull(value["z"]);
            var inner = (List<object>)((Dictionary<string, object>)value["o"])["inner"];
            Assert.AreEqual(1d, inner[0]);
            Assert.AreEqual(2d, ((List<object>)inner[1])[0]);
            Assert.IsInstanceOf<Dictionary<string, object>>(inner[2]);
            Assert.AreEqual(0, ((List<object>)value["a"]).Count);
        }

        [Test]
        public void ALaterDuplicateMemberWins()
        {
            Assert.AreEqual("b", JsonReader.ParseObject("{\"k\":\"a\",\"k\":\"b\"}")["k"]);
        }

        [TestCase("{\"k\":\"line\nbreak\"}")]
        [TestCase("{\"k\":tru}")]
        [TestCase("{\"k\":1e999}")]
        [TestCase("{\"k\":--1}")]
        [TestCase("{k:1}")]
        [TestCase("{\"k\" 1}")]
        [TestCase("{\"k\":\"\\u12\"}")]
        [TestCase("{\"k\":[1,2}")]
        [TestCase("{\"k\":\"unterminated}")]
        public void RefusesWhatIsNotJson(string json)
        {
            Assert.Throws<FormatException>(() => JsonReader.ParseObject(json));
        }

        [Test]
        public void RefusesNestingDeeperThanItReads()
        {
            string deep = "{\"k\":" + new string('[', 40) + new string(']', 40) + "}";
            Assert.Throws<FormatException>(() => JsonReader.ParseObject(deep));
            string shallow = "{\"k\":" + new string('[', 20) + new string(']', 20) + "}";
            Assert.DoesNotThrow(() => JsonReader.ParseObject(shallow));
        }
    }
}

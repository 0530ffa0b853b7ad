using NUnit.Framework;

namespace PacketFlow.Client.Tests
{
    [TestFixture]
    public class GuestTokenTests
    {
        private const string Answer =
            "{\"token\":\"eyJ2IjoxfQ.c2ln\",\"playerId\":\"guest-5f0c\",\"expiresAt\":1767225600000}";

        [Test]
        public void ReadsTheGatewaysAnswer()
        {
            GuestToken token = GuestToken.Parse(Answer);
            Assert.AreEqual("eyJ2IjoxfQ.c2ln", token.Token);
            Assert.AreEqual("guest-5f0c", token.PlayerId);
            Assert.AreEqual(1767225600000d, token.ExpiresAtMs);
            Assert.AreEqual(2026, token.ExpiresAt.UtcDateTime.Year);
        }

        [Test]
        public void IgnoresMembersItDoesNotKnowAndTheirOrder()
        {
            GuestToken token = GuestToken.Parse(
                " {\n \"expiresAt\": 5e3, \"extra\": {\"nested\": [1, true, null]}, \"playerId\": \"p\", \"token\": \"t\" } ");
            Assert.AreEqual("t", token.Token);
            Assert.AreEqual(5000, token.ExpiresAtMs);
        }

        [Test]
        public void IsExpiredAtAndAfterItsExpiryAsTheGatewayJudgesIt()
        {
            var token = new GuestToken("t", "p", 10_000);
            Assert.IsFalse(token.IsExpired(9_999));
            Assert.IsTrue(token.IsExpired(10_000));
            Assert.IsTrue(token.IsExpired(10_001));
        }

        [Test]
        public void ExpiresWithinAMargin()
        {
            var token = new GuestToken("t", "p", 10_000);
            Assert.IsFalse(token.ExpiresWithin(4_999, 5_000));
            Assert.IsTrue(token.ExpiresWithin(5_000, 5_000));
            Assert.IsTrue(token.ExpiresWithin(20_000, 0));
        }

        [TestCase("")]
        [TestCase("not json")]
        [TestCase("{\"token\":\"t\",\"playerId\":\"p\",\"expiresAt\":1")]
        [TestCase("{\"token\":\"t\",\"playerId\":\"p\",\"expiresAt\":1,}")]
        [TestCase("[\"token\"]")]
        [TestCase("{\"token\":\"t\",\"playerId\":\"p\",\"expiresAt\":1} trailing")]
        [TestCase("{\"token\":\"t\\x\",\"playerId\":\"p\",\"expiresAt\":1}")]
        public void RefusesMalformedJson(string json)
        {
            var error = Assert.Throws<PacketFlowException>(() => GuestToken.Parse(json));
            Assert.AreEqual(SdkErrorCode.UnreadableMessage, error.Code);
            StringAssert.Contains("unreadable JSON", error.Message);
        }

        [TestCase("{\"playerId\":\"p\",\"expiresAt\":1}")]
        [TestCase("{\"token\":\"\",\"playerId\":\"p\",\"expiresAt\":1}")]
        [TestCase("{\"token\":\"t\",\"playerId\":7,\"expiresAt\":1}")]
        [TestCase("{\"token\":\"t\",\"playerId\":\"p\",\"expiresAt\":\"tomorrow\"}")]
        [TestCase("{\"token\":\"t\",\"playerId\":\"p\"}")]
        [TestCase("{\"error\":\"Too many requests\"}")]
        public void RefusesAnAnswerWithoutTokenPlayerIdOrExpiry(string json)
        {
            var error = Assert.Throws<PacketFlowException>(() => GuestToken.Parse(json));
            Assert.AreEqual(SdkErrorCode.UnreadableMessage, error.Code);
            StringAssert.Contains("lacks token, playerId or expiresAt", error.Message);
        }

        [Test]
        public void RefusesNullAsAnAnswer()
        {
            Assert.Throws<PacketFlowException>(() => GuestToken.Parse(null));
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace PacketFlow.Client.Tests
{
    /// <summary>
    /// A Colyseus Unity SDK 0.17.2 client against the Colyseus 0.18 gateway, frame by frame: the frames the server's
    /// own code (@colyseus/core) writes, read as the Unity SDK reads them (<see cref="UnitySdkFrames"/>), and the
    /// frames the Unity SDK writes, against those of the 0.18 TypeScript SDK (@colyseus/sdk), which the server reads.
    /// scripts/run-csharp-tests.mjs writes them from the repository's node_modules and names the file in
    /// PACKETFLOW_COLYSEUS_FRAMES; elsewhere (Unity's test runner in a game project) the tests are ignored.
    /// </summary>
    [TestFixture]
    public class ColyseusWireTests
    {
        // Read on first use: NUnit 2.6 here and Unity's NUnit 3 share no fixture set-up attribute.
        private static Dictionary<string, string> frames;

        private static string Text(string name)
        {
            string file = Environment.GetEnvironmentVariable("PACKETFLOW_COLYSEUS_FRAMES");
            if (string.IsNullOrEmpty(file)) Assert.Ignore("PACKETFLOW_COLYSEUS_FRAMES is not set: no Colyseus frames to read");
            if (frames == null)
            {
                frames = File.ReadAllLines(file)
                    .Where(line => line.Length > 0)
                    .Select(line => line.Split(new[] { ' ' }, 2))
                    .ToDictionary(parts => parts[0], parts => parts[1]);
            }
            Assert.IsTrue(frames.TryGetValue(name, out string value), $"no {name} in the frames file");
            return value;
        }

        private static byte[] Bytes(string name)
        {
            string hex = Text(name);
            return Enumerable.Range(0, hex.Length / 2).Select(i => Convert.ToByte(hex.Substring(2 * i, 2), 16)).ToArray();
        }

        [Test]
        public void TheFramesComeFromColyseus018()
        {
            StringAssert.StartsWith("0.18.", Text("version.core"));
            StringAssert.StartsWith("0.18.", Text("version.sdk"));
        }

        [TestCase("server.join", UnitySdkFrames.JoinRoom)]
        [TestCase("server.error", UnitySdkFrames.Error)]
        [TestCase("server.joined", UnitySdkFrames.RoomDataBytes)]
        [TestCase("server.snap", UnitySdkFrames.RoomDataBytes)]
        [TestCase("server.ping", UnitySdkFrames.Ping)]
        public void AServerFrameStartsWithTheUnitySdksCodeAndNoModifierBits(string name, byte code)
        {
            // 0.18 reserves the top three bits of the first byte for modifiers (TIMED, UNRELIABLE) and sets them only
            // on state frames of rooms with state or defineInput(); the match room has neither.
            Assert.AreEqual(code, Bytes(name)[0]);
        }

        [Test]
        public void TheJoinOfA018ServerIsReadAsTheUnitySdkReadsIt()
        {
            UnitySdkFrames.Frame join = UnitySdkFrames.Read(Bytes("server.join"));
            Assert.AreEqual(Text("server.join.token"), join.ReconnectionToken);
            Assert.AreEqual("none", join.SerializerId, "the SDK picks its NoneSerializer, whose Handshake reads nothing");
            // 0.18 appends the state reflection's length (a varint, 0 without state) and its tagged sections (none
            // without defineInput); the 0.17.2 SDK hands them to NoneSerializer.Handshake, which ignores them.
            CollectionAssert.AreEqual(new byte[] { 0 }, join.Rest);
        }

        [TestCase("joined", ClientContract.JoinedMessage)]
        [TestCase("snap", ClientContract.SnapshotMessage)]
        public void AByteMessageReachesThePackagesHandlerWithTheGatewaysBodyUntouched(string name, string type)
        {
            UnitySdkFrames.Frame message = UnitySdkFrames.Read(Bytes("server." + name));
            Assert.AreEqual(type, message.Type, "the key MatchConnection registered with room.OnMessage<byte[]>");
            CollectionAssert.AreEqual(Bytes("body." + name), message.Rest, "the byte[] the handler gets, for MatchCodec");
        }

        [TestCase("server.error", 4217, "input refused")]
        [TestCase("server.error.expired", 524, "seat reservation expired.")]
        public void AnErrorGivesTheRoomsOnErrorItsCodeAndMessage(string name, int code, string message)
        {
            UnitySdkFrames.Frame error = UnitySdkFrames.Read(Bytes(name));
            Assert.AreEqual(code, error.ErrorCode);
            Assert.AreEqual(message, error.Message);
        }

        [Test]
        public void AnInputIsTheFrameThe018SdkSends()
        {
            CollectionAssert.AreEqual(Bytes("client.in"), UnitySdkFrames.SendBytes(ClientContract.InputMessage, Bytes("body.in")));
        }

        [TestCase("client.join", UnitySdkFrames.JoinRoom)]
        [TestCase("client.ping", UnitySdkFrames.Ping)]
        [TestCase("client.leave", UnitySdkFrames.LeaveRoom)]
        public void TheJoinAcknowledgementPingAndLeaveAreTheFramesThe018SdkSends(string name, byte code)
        {
            CollectionAssert.AreEqual(Bytes(name), UnitySdkFrames.Single(code));
        }
    }
}

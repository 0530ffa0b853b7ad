using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace PacketFlow.Client.Tests
{
    /// <summary>
    /// The C# constants against the protocol package's sources, so the two clients cannot drift apart. Needs the
    /// repository: scripts/run-csharp-tests.mjs names it in PACKETFLOW_PROTOCOL_DIR; elsewhere (Unity's test runner
    /// in a game project) the tests are ignored.
    /// </summary>
    [TestFixture]
    public class ClientContractTests
    {
        private static string ProtocolFile(string path)
        {
            string dir = Environment.GetEnvironmentVariable("PACKETFLOW_PROTOCOL_DIR");
            if (string.IsNullOrEmpty(dir)) Assert.Ignore("PACKETFLOW_PROTOCOL_DIR is not set: no protocol sources to compare with");
            return File.ReadAllText(Path.Combine(dir, path));
        }

        private static string Value(string source, string name)
        {
            Match match = Regex.Match(source, $@"\b{name}(?::| =) '?([\w]+)'?");
            Assert.IsTrue(match.Success, $"{name} not found in client-contract.ts");
            return match.Groups[1].Value;
        }

        [Test]
        public void RoomMessageTypesAndCodesAreTheProtocolPackages()
        {
            string source = ProtocolFile(Path.Combine("src", "client", "client-contract.ts"));
            Assert.AreEqual(Value(source, "MATCH_ROOM"), ClientContract.MatchRoom);
            Assert.AreEqual(Value(source, "Input"), ClientContract.InputMessage);
            Assert.AreEqual(Value(source, "Joined"), ClientContract.JoinedMessage);
            Assert.AreEqual(Value(source, "Snapshot"), ClientContract.SnapshotMessage);
            Assert.AreEqual(Value(source, "Host"), ClientContract.HostMessage);
            Assert.AreEqual(Value(source, "MAX_SEQUENCE_GAP"), ClientContract.MaxSequenceGap.ToString());
            Assert.AreEqual(Value(source, "InvalidPayload"), ClientErrorCode.InvalidPayload.ToString());
            Assert.AreEqual(Value(source, "BadSequence"), ClientErrorCode.BadSequence.ToString());
            Assert.AreEqual(Value(source, "RateLimited"), ClientErrorCode.RateLimited.ToString());
            Assert.AreEqual(Value(source, "Misbehaving"), ClientCloseCode.Misbehaving.ToString());
            Assert.AreEqual(Value(source, "Replaced"), ClientCloseCode.Replaced.ToString());
        }

        [Test]
        public void GameModesAreTheProtocolPackages()
        {
            string source = ProtocolFile(Path.Combine("src", "client", "game-modes.ts"));
            Match modes = Regex.Match(source, @"GAME_MODES = \[([^\]]*)\]");
            Assert.IsTrue(modes.Success, "GAME_MODES not found in game-modes.ts");
            CollectionAssert.AreEqual(
                new[] { GameModes.Touch, GameModes.King },
                modes.Groups[1].Value.Split(',').Select(m => m.Trim().Trim('\'')).Where(m => m.Length > 0).ToArray());
            StringAssert.Contains($"DEFAULT_GAME_MODE: GameMode = '{GameModes.Default}'", source);
            Match zone = Regex.Match(source, @"KING_ZONE = Object.freeze\(\{ x: ([-\d.]+), z: ([-\d.]+), radius: ([\d.]+) \}\)");
            Assert.IsTrue(zone.Success, "KING_ZONE not found in game-modes.ts");
            Assert.AreEqual(float.Parse(zone.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), GameModes.KingZoneX);
            Assert.AreEqual(float.Parse(zone.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), GameModes.KingZoneZ);
            Assert.AreEqual(float.Parse(zone.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), GameModes.KingZoneRadius);
        }

        [Test]
        public void ButtonsAreTheSchemasBitFlags()
        {
            string schema = ProtocolFile(Path.Combine("schemas", "game.fbs"));
            Match match = Regex.Match(schema, @"enum Buttons: uint \(bit_flags\) \{([^}]*)\}");
            Assert.IsTrue(match.Success, "enum Buttons not found in game.fbs");
            string[] names = match.Groups[1].Value.Split(',').Select(n => n.Trim()).Where(n => n.Length > 0).ToArray();
            CollectionAssert.AreEqual(names, Enum.GetNames(typeof(Buttons)).Where(n => n != nameof(Buttons.None)).ToArray());
            for (int bit = 0; bit < names.Length; bit++)
                Assert.AreEqual(1u << bit, (uint)Enum.Parse(typeof(Buttons), names[bit]), names[bit]);
        }
    }
}

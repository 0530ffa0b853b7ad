using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using static PacketFlow.Client.Tests.SnapshotBuilder;

namespace PacketFlow.Client.Tests
{
    [TestFixture]
    public class MatchSessionTests
    {
        private const uint Me = 3;
        private readonly List<uint> sent = new List<uint>();

        private MatchSession Session(ConnectionSettings settings = null) => new MatchSession(settings, (sequence, _) => sent.Add(sequence));

        private static JoinInfo Joined(uint serverTick = 100) => new JoinInfo("m-1", "guest-1", Me, 30, serverTick);

        private static InputSample Input(float x = 0.5f) => new InputSample(new Vec2(x, 0));

        [SetUp]
        public void ClearSent() => sent.Clear();

        [Test]
        public void SendsNumberedInputsOnceJoined()
        {
            MatchSession session = Session();
            Assert.IsFalse(session.HandleJoined(Joined(), 0), "the first joined is no reconnection");
            Assert.IsTrue(session.Connected);
            Assert.AreEqual(1u, session.SendInput(Input(), 10));
            Assert.AreEqual(2u, session.SendInput(Input(), 20));
            CollectionAssert.AreEqual(new[] { 1u, 2u }, sent);
            Assert.AreEqual(2, session.PendingInputs.Count);
        }

        [Test]
        public void ASnapshotAcknowledgesOnlyThisPlayersEntity()
        {
            MatchSession session = Session();
            session.HandleJoined(Joined(), 0);
            for (int i = 0; i < 4; i++) session.SendInput(Input(), 10 * i);
            session.HandleSnapshot(Acking(101, new InputAck(Me + 1, 4), new InputAck(Me, 2)), 50);
            Assert.AreEqual(2u, session.AckedSequence);
            CollectionAssert.AreEqual(new[] { 3u, 4u }, session.PendingInputs.Select(p => p.Sequence).ToArray());
            Assert.AreEqual(40, session.InputRttMs.Value, 1e-9, "input 2 went out at 10");
            Assert.AreEqual(101u, session.ServerTick);
        }

        [Test]
        public void WhileDroppedInputsAreRecordedNotSentAndTheNewestGoOutAfterTheRejoin()
        {
            var settings = new ConnectionSettings { MaxResendInputs = 3 };
            MatchSession session = Session(settings);
            session.HandleJoined(Joined(), 0);
            session.SendInput(Input(), 0);
            session.SendInput(Input(), 1);
            session.HandleSnapshot(Acking(101, new InputAck(Me, 1)), 5);
            session.HandleDrop();
            Assert.IsFalse(session.Connected);
            for (int i = 0; i < 5; i++) session.SendInput(Input(), 10 + i);
            CollectionAssert.AreEqual(new[] { 1u, 2u }, sent, "nothing goes out while the connection is down");
            sent.Clear();

            Assert.IsTrue(session.HandleJoined(Joined(120), 100), "a later joined ends a reconnection");
            Assert.IsTrue(session.Connected);
            CollectionAssert.AreEqual(new[] { 5u, 6u, 7u }, sent, "only the newest 3 of 6 pending go out again, in order");
            Assert.AreEqual(6, session.PendingInputs.Count, "the older ones stay pending until acked");
            Assert.AreEqual(120u, session.ServerTick);
            Assert.AreEqual(8u, session.SendInput(Input(), 110), "numbering carries on across the reconnection");
        }

        [Test]
        public void NothingIsResentAfterTheGameAskedToLeave()
        {
            MatchSession session = Session();
            session.HandleJoined(Joined(), 0);
            session.SendInput(Input(), 0);
            session.HandleDrop();
            session.BeginLeave();
            sent.Clear();
            session.HandleJoined(Joined(), 100);
            CollectionAssert.IsEmpty(sent);
        }

        [Test]
        public void SnapshotsBeforeTheFirstJoinedBuildTheWorldButReachNoGameCode()
        {
            MatchSession session = Session();
            Assert.IsNull(session.HandleSnapshot(Full(99, At(1, 0), At(Me, 2)), 0));
            Assert.IsNull(session.Interpolation, "the tick rate comes with joined");
            session.HandleJoined(Joined(), 1);
            MatchSnapshot snapshot = session.HandleSnapshot(Partial(100, At(1, 4)), 33);
            Assert.IsNotNull(snapshot);
            CollectionAssert.AreEquivalent(new[] { 1u, Me }, snapshot.Entities.Select(e => e.Entity).ToArray(), "the full snapshot before joined was kept");
            CollectionAssert.AreEqual(new[] { 1u }, snapshot.Moved.Select(e => e.Entity).ToArray());
            Assert.IsFalse(snapshot.Full);
            Assert.AreEqual(1, session.Interpolation.Count);
        }

        [Test]
        public void SnapshotsFeedTheInterpolationBufferAtTheJoinedTickRateUnlessSwitchedOff()
        {
            MatchSession session = Session(new ConnectionSettings { InterpolationDelayMs = 50 });
            session.HandleJoined(Joined(), 0);
            Assert.AreEqual(1000.0 / 30, session.Interpolation.TickMs, 1e-9);
            Assert.AreEqual(50, session.Interpolation.DelayMs, 1e-9);
            session.HandleSnapshot(Full(100, At(1, 0)), 0);
            session.HandleSnapshot(Partial(101, At(1, 1)), 33);
            Assert.AreEqual(2, session.Interpolation.Count);

            MatchSession headless = Session(new ConnectionSettings { Interpolate = false });
            headless.HandleJoined(Joined(), 0);
            Assert.IsNotNull(headless.HandleSnapshot(Full(100, At(1, 0)), 0));
            Assert.IsNull(headless.Interpolation);
        }

        [Test]
        public void RefusesInputAfterLeavingAndInputTheGatewayWouldRefuse()
        {
            MatchSession session = Session();
            session.HandleJoined(Joined(), 0);
            Assert.Throws<ArgumentOutOfRangeException>(() => session.SendInput(Input(1.5f), 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => session.SendInput(Input(float.NaN), 0));
            Assert.AreEqual(0, session.PendingInputs.Count, "a refused input takes no sequence number");
            session.HandleLeave(4000);
            Assert.IsFalse(session.Connected);
            Assert.AreEqual(4000, session.CloseCode);
            Assert.Throws<InvalidOperationException>(() => session.SendInput(Input(), 0));
        }
    }
}

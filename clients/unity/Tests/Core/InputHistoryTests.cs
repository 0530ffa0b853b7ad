using System.Linq;
using NUnit.Framework;

namespace PacketFlow.Client.Tests
{
    [TestFixture]
    public class InputHistoryTests
    {
        private static InputSample Move(float x) => new InputSample(new Vec2(x, 0));

        [Test]
        public void NumbersInputsFromOneAndKeepsThemPending()
        {
            var history = new InputHistory();
            Assert.AreEqual(1u, history.Record(Move(0.1f), 10));
            Assert.AreEqual(2u, history.Record(Move(0.2f), 20));
            Assert.AreEqual(3u, history.Record(Move(0.3f), 30));
            Assert.AreEqual(4u, history.Next);
            Assert.AreEqual(0u, history.Acked);
            CollectionAssert.AreEqual(new[] { 1u, 2u, 3u }, history.Pending.Select(p => p.Sequence).ToArray());
            Assert.AreEqual(0.2f, history.Pending[1].Input.Move.X);
            Assert.AreEqual(20, history.Pending[1].SentAtMs);
        }

        [Test]
        public void AnAckRemovesEveryInputUpToItsSequenceAndMeasuresTheRoundTrip()
        {
            var history = new InputHistory();
            for (int i = 0; i < 5; i++) history.Record(Move(0), 100 + 10 * i);
            AckResult result = history.Acknowledge(3, 250);
            Assert.AreEqual(3, result.Acknowledged);
            Assert.AreEqual(130, result.InputRttMs.Value, 1e-9, "from sending input 3 at 120 to the ack at 250");
            Assert.AreEqual(3u, history.Acked);
            CollectionAssert.AreEqual(new[] { 4u, 5u }, history.Pending.Select(p => p.Sequence).ToArray());
        }

        [Test]
        public void AnAckThatRepeatsOrPrecedesTheNewestChangesNothing()
        {
            var history = new InputHistory();
            for (int i = 0; i < 4; i++) history.Record(Move(0), i);
            history.Acknowledge(2, 50);
            AckResult repeat = history.Acknowledge(2, 60);
            AckResult older = history.Acknowledge(1, 70);
            Assert.AreEqual(0, repeat.Acknowledged);
            Assert.IsNull(repeat.InputRttMs);
            Assert.AreEqual(0, older.Acknowledged);
            Assert.AreEqual(2u, history.Acked);
            Assert.AreEqual(2, history.Pending.Count);
        }

        [Test]
        public void AnAckOfAnInputNoLongerPendingHasNoRoundTrip()
        {
            var history = new InputHistory(maxPending: 2);
            for (int i = 0; i < 4; i++) history.Record(Move(0), i);
            AckResult result = history.Acknowledge(2, 100);
            Assert.AreEqual(0, result.Acknowledged, "inputs 1 and 2 were already forgotten");
            Assert.IsNull(result.InputRttMs);
            Assert.AreEqual(2u, history.Acked);
        }

        [Test]
        public void ForgetsTheOldestPastMaxPending()
        {
            var history = new InputHistory(maxPending: 3);
            for (int i = 0; i < 5; i++) history.Record(Move(0), i);
            CollectionAssert.AreEqual(new[] { 3u, 4u, 5u }, history.Pending.Select(p => p.Sequence).ToArray());
            Assert.AreEqual(6u, history.Next, "numbering goes on regardless");
        }

        [Test]
        public void ResendsOnlyTheNewestAndRestartsTheirClock()
        {
            var history = new InputHistory();
            for (int i = 0; i < 30; i++) history.Record(Move(0), i);
            history.Acknowledge(5, 40);
            var resent = history.ResendNewest(20, 1000);
            CollectionAssert.AreEqual(Enumerable.Range(11, 20).Select(n => (uint)n).ToArray(), resent.Select(p => p.Sequence).ToArray());
            Assert.IsTrue(resent.All(p => p.SentAtMs == 1000));
            Assert.AreEqual(25, history.Pending.Count, "the older ones stay pending until an ack covers them");
            Assert.AreEqual(5, history.Pending[0].SentAtMs, "not resent, so not re-timed");
            AckResult result = history.Acknowledge(30, 1040);
            Assert.AreEqual(40, result.InputRttMs.Value, 1e-9, "the round trip of a resent input counts from the resend");
        }

        [Test]
        public void ResendsEverythingWhenLessIsPendingThanTheLimit()
        {
            var history = new InputHistory();
            history.Record(Move(0), 0);
            history.Record(Move(0), 1);
            Assert.AreEqual(2, history.ResendNewest(20, 5).Count);
            Assert.AreEqual(0, new InputHistory().ResendNewest(20, 5).Count);
        }

        [Test]
        public void RefusesANonPositiveMaxPending()
        {
            Assert.Throws<System.ArgumentOutOfRangeException>(() => new InputHistory(0));
        }
    }
}

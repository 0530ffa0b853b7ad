using System;
using System.Linq;
using NUnit.Framework;

namespace PacketFlow.Client.Tests
{
    [TestFixture]
    public class InterpolationBufferTests
    {
        private static Quat Yaw(double radians) => new Quat(0, (float)Math.Sin(radians / 2), 0, (float)Math.Cos(radians / 2));

        private static EntityState At(uint entity, float x) => At(entity, x, Quat.Identity);

        private static EntityState At(uint entity, float x, Quat rotation) => new EntityState(entity, new Vec3(x, 0, -x), rotation);

        /// <summary>10 Hz (100 ms a tick), so the default delay is 200 ms; tick n arrives at 900 + 100 n, entity 7 at x = 10 n.</summary>
        private static InterpolationBuffer Steady(params uint[] ticks)
        {
            var buffer = new InterpolationBuffer(tickRate: 10);
            foreach (uint tick in ticks) buffer.Push(tick, 900 + 100 * tick, new[] { At(7, 10 * tick) });
            return buffer;
        }

        private static InterpolatedFrame Sample(InterpolationBuffer buffer, double renderTimeMs)
        {
            var frame = new InterpolatedFrame();
            Assert.IsTrue(buffer.Sample(renderTimeMs, frame), "a buffer with snapshots samples");
            return frame;
        }

        [Test]
        public void RendersTwoTicksBehindByDefaultLerpingPositionsBetweenTheSnapshotsAroundThatTime()
        {
            InterpolationBuffer buffer = Steady(1, 2, 3);
            Assert.AreEqual(200, buffer.DelayMs, 1e-9);
            InterpolatedFrame frame = Sample(buffer, 1350);
            Assert.AreEqual(2.5, frame.Tick, 1e-9);
            Assert.AreEqual(0, frame.ExtrapolatedMs);
            Assert.AreEqual(25, frame.Poses[7].Position.X, 1e-4);
            Assert.AreEqual(-25, frame.Poses[7].Position.Z, 1e-4);
        }

        [Test]
        public void SlerpsRotationsBetweenSnapshots()
        {
            var buffer = new InterpolationBuffer(tickRate: 10, delayMs: 0);
            buffer.Push(1, 100, new[] { At(1, 0, Quat.Identity) });
            buffer.Push(2, 200, new[] { At(1, 0, Yaw(Math.PI / 2)) });
            Quat rotation = Sample(buffer, 150).Poses[1].Rotation;
            Quat expected = Yaw(Math.PI / 4);
            Assert.AreEqual(expected.Y, rotation.Y, 1e-6);
            Assert.AreEqual(expected.W, rotation.W, 1e-6);
        }

        [Test]
        public void ShowsTheOldestSnapshotForARenderTimeBeforeIt()
        {
            InterpolatedFrame frame = Sample(Steady(1, 2), 500);
            Assert.AreEqual(1, frame.Tick);
            Assert.AreEqual(10, frame.Poses[7].Position.X, 1e-4);
        }

        [Test]
        public void ShowsTheNewestSnapshotExactlyAtItsTick()
        {
            InterpolatedFrame frame = Sample(Steady(1, 2, 3), 1400);
            Assert.AreEqual(3, frame.Tick, 1e-9);
            Assert.AreEqual(0, frame.ExtrapolatedMs, 1e-9);
            Assert.AreEqual(30, frame.Poses[7].Position.X, 1e-4);
        }

        [Test]
        public void ExtrapolatesPastTheNewestSnapshotAtTheLastVelocityForAtMostOneTickUnlessConfigured()
        {
            InterpolationBuffer buffer = Steady(1, 2, 3);
            InterpolatedFrame near = Sample(buffer, 1450);
            Assert.AreEqual(50, near.ExtrapolatedMs, 1e-9);
            Assert.AreEqual(35, near.Poses[7].Position.X, 1e-4, "half a tick on");
            InterpolatedFrame far = Sample(buffer, 5000);
            Assert.AreEqual(100, far.ExtrapolatedMs, 1e-9, "capped");
            Assert.AreEqual(4, far.Tick, 1e-9);
            Assert.AreEqual(40, far.Poses[7].Position.X, 1e-4, "one tick on, no further");

            var frozen = new InterpolationBuffer(tickRate: 10, maxExtrapolationMs: 0);
            frozen.Push(1, 1000, new[] { At(7, 10) });
            frozen.Push(2, 1100, new[] { At(7, 20) });
            Assert.AreEqual(20, Sample(frozen, 9000).Poses[7].Position.X, 1e-4, "held at the newest");
        }

        [Test]
        public void ExtrapolationHoldsRotationsAtTheNewest()
        {
            var buffer = new InterpolationBuffer(tickRate: 10, delayMs: 0);
            buffer.Push(1, 100, new[] { At(1, 0, Quat.Identity) });
            buffer.Push(2, 200, new[] { At(1, 10, Yaw(0.5)) });
            Pose pose = Sample(buffer, 250).Poses[1];
            Assert.AreEqual(15, pose.Position.X, 1e-4);
            Assert.AreEqual(Yaw(0.5).Y, pose.Rotation.Y, 1e-6);
        }

        [Test]
        public void KeepsItsTimelineWhenOneSnapshotArrivesLateAndFollowsSnapshotsThatArriveEarlier()
        {
            InterpolationBuffer buffer = Steady(1, 2, 3);
            buffer.Push(4, 1400 + 80, new[] { At(7, 40) });
            Assert.AreEqual(2.5, buffer.TickAt(1350).Value, 1e-9, "a late snapshot moves nothing");
            buffer.Push(5, 1400 - 30, new[] { At(7, 50) });
            Assert.AreEqual(2.8, buffer.TickAt(1350).Value, 1e-9, "an early one shifts the clock by what it gained");
        }

        [Test]
        public void ShowsAnEntityThatAppearsWhereItIsAndStopsShowingOneThatLeft()
        {
            var buffer = new InterpolationBuffer(tickRate: 10, delayMs: 0);
            buffer.Push(1, 100, new[] { At(1, 0) });
            buffer.Push(2, 200, new[] { At(1, 10), At(2, 5) });
            buffer.Push(3, 300, new[] { At(2, 7) });
            InterpolatedFrame early = Sample(buffer, 150);
            Assert.AreEqual(5, early.Poses[1].Position.X, 1e-4, "entity 1 lerped");
            Assert.AreEqual(5, early.Poses[2].Position.X, 1e-4, "entity 2 as it appeared");
            InterpolatedFrame late = Sample(buffer, 250);
            CollectionAssert.AreEqual(new[] { 2u }, late.Poses.Keys.ToArray());
            Assert.AreEqual(6, late.Poses[2].Position.X, 1e-4, "entity 2 lerped");
        }

        [Test]
        public void AReusedFrameShowsOnlyWhatTheLatestSampleShows()
        {
            var buffer = new InterpolationBuffer(tickRate: 10, delayMs: 0);
            buffer.Push(1, 100, new[] { At(1, 0), At(2, 0) });
            buffer.Push(2, 200, new[] { At(2, 1) });
            var frame = new InterpolatedFrame();
            buffer.Sample(100, frame);
            Assert.AreEqual(2, frame.Poses.Count);
            buffer.Sample(200, frame);
            CollectionAssert.AreEqual(new[] { 2u }, frame.Poses.Keys.ToArray());
        }

        [Test]
        public void OrdersSnapshotsThatArriveOutOfOrderAndDropsDuplicates()
        {
            var buffer = new InterpolationBuffer(tickRate: 10, delayMs: 0);
            buffer.Push(1, 100, new[] { At(1, 0) });
            buffer.Push(3, 300, new[] { At(1, 30) });
            buffer.Push(2, 210, new[] { At(1, 20) });
            buffer.Push(2, 220, new[] { At(1, 999) });
            Assert.AreEqual(3, buffer.Count);
            Assert.AreEqual(25, Sample(buffer, 250).Poses[1].Position.X, 1e-4, "between ticks 2 and 3");
        }

        [Test]
        public void KeepsCapacitySnapshotsDropsOneOlderThanAllAndStartsOverWhenTheClockGoesFarBack()
        {
            var buffer = new InterpolationBuffer(tickRate: 10, capacity: 4);
            for (uint tick = 1; tick <= 10; tick++) buffer.Push(tick, tick * 100, new[] { At(1, tick) });
            Assert.AreEqual(4, buffer.Count);
            buffer.Push(6, 1100, new[] { At(1, 0) });
            Assert.AreEqual(4, buffer.Count, "older than the oldest kept: late");
            Assert.AreEqual(10u, buffer.NewestTick);
            buffer.Push(3, 1200, new[] { At(1, 3) });
            Assert.AreEqual(1, buffer.Count, "a match resumed from an earlier checkpoint");
            Assert.AreEqual(3u, buffer.NewestTick);
            buffer.Clear();
            Assert.IsFalse(buffer.Sample(0, new InterpolatedFrame()));
            Assert.IsNull(buffer.TickAt(0));
            Assert.IsNull(buffer.NewestTick);
        }

        [Test]
        public void RefusesOptionsItCannotWorkWith()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new InterpolationBuffer(tickRate: 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => new InterpolationBuffer(tickRate: double.NaN));
            Assert.Throws<ArgumentOutOfRangeException>(() => new InterpolationBuffer(tickRate: 30, delayMs: -1));
            Assert.Throws<ArgumentOutOfRangeException>(() => new InterpolationBuffer(tickRate: 30, maxExtrapolationMs: -1));
            Assert.Throws<ArgumentOutOfRangeException>(() => new InterpolationBuffer(tickRate: 30, capacity: 1));
        }
    }
}

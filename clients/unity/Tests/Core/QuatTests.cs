using System;
using NUnit.Framework;

namespace PacketFlow.Client.Tests
{
    [TestFixture]
    public class QuatTests
    {
        private static Quat Yaw(double radians) => new Quat(0, (float)Math.Sin(radians / 2), 0, (float)Math.Cos(radians / 2));

        private static double Length(Quat q) => Math.Sqrt(q.X * q.X + q.Y * q.Y + q.Z * q.Z + q.W * q.W);

        [Test]
        public void SlerpEndsAtItsInputs()
        {
            Quat b = Yaw(2);
            Assert.AreEqual(Quat.Identity.W, Quat.Slerp(Quat.Identity, b, 0).W, 1e-6);
            Assert.AreEqual(b.Y, Quat.Slerp(Quat.Identity, b, 1).Y, 1e-6);
            Assert.AreEqual(b.W, Quat.Slerp(Quat.Identity, b, 1).W, 1e-6);
        }

        [Test]
        public void SlerpTurnsAtAConstantRate()
        {
            Quat third = Quat.Slerp(Quat.Identity, Yaw(1.5), 1.0 / 3);
            Assert.AreEqual(Yaw(0.5).Y, third.Y, 1e-6);
            Assert.AreEqual(Yaw(0.5).W, third.W, 1e-6);
        }

        [Test]
        public void SlerpTakesTheShortWayRoundWhenTheQuaternionsLieOnOppositeHemispheres()
        {
            Quat q = Yaw(Math.PI / 2);
            var negated = new Quat(-q.X, -q.Y, -q.Z, -q.W);
            Quat half = Quat.Slerp(Quat.Identity, negated, 0.5);
            Assert.AreEqual(Yaw(Math.PI / 4).Y, half.Y, 1e-6);
            Assert.AreEqual(Yaw(Math.PI / 4).W, half.W, 1e-6);
        }

        [Test]
        public void SlerpReturnsUnitQuaternionsAlsoForNearlyEqualInputs()
        {
            Quat q = Quat.Slerp(Quat.Identity, Yaw(1e-4), 0.3);
            Assert.AreEqual(1, Length(q), 1e-6);
            Assert.AreEqual(Math.Sin(0.3e-4 / 2), q.Y, 1e-9);
        }

        [Test]
        public void LerpOfPositionsCarriesOnPastTheEnds()
        {
            var a = new Vec3(0, 1, 2);
            var b = new Vec3(10, 1, -2);
            Vec3 beyond = Vec3.Lerp(a, b, 1.5);
            Assert.AreEqual(15, beyond.X, 1e-5);
            Assert.AreEqual(1, beyond.Y, 1e-5);
            Assert.AreEqual(-4, beyond.Z, 1e-5);
        }
    }
}

using System;
using NUnit.Framework;

namespace PacketFlow.Client.Tests
{
    [TestFixture]
    public class InputSampleTests
    {
        [TestCase(1f, -1f)]
        [TestCase(0f, 0f)]
        [TestCase(-0.25f, 0.75f)]
        public void AcceptsMoveAxesWithinTheUnitRange(float x, float y)
        {
            Assert.DoesNotThrow(() => new InputSample(new Vec2(x, y), Buttons.Jump | Buttons.Sprint, new Vec2(3.1f, -1.2f), 77).Validate());
        }

        [TestCase(1.01f, 0f)]
        [TestCase(0f, -2f)]
        [TestCase(float.NaN, 0f)]
        [TestCase(0f, float.PositiveInfinity)]
        public void RefusesMoveAxesOutsideTheUnitRange(float x, float y)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new InputSample(new Vec2(x, y)).Validate());
        }

        [Test]
        public void RefusesAnAimThatIsNotFinite()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new InputSample(new Vec2(0, 0), aim: new Vec2(float.NaN, 0)).Validate());
            Assert.Throws<ArgumentOutOfRangeException>(() => new InputSample(new Vec2(0, 0), aim: new Vec2(0, float.NegativeInfinity)).Validate());
        }
    }
}

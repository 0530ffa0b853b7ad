using System.Linq;
using NUnit.Framework;
using static PacketFlow.Client.Tests.SnapshotBuilder;

namespace PacketFlow.Client.Tests
{
    [TestFixture]
    public class MatchWorldTests
    {
        private static float XOf(System.Collections.Generic.IReadOnlyList<EntityState> entities, uint entity) =>
            entities.Single(e => e.Entity == entity).Position.X;

        [Test]
        public void APartialSnapshotMovesWhatItCarriesAndLeavesTheRestWhereTheyWere()
        {
            var world = new MatchWorld();
            world.Apply(Full(1, At(1, 0), At(2, 0), At(3, 0)));
            var after = world.Apply(Partial(2, At(2, 5)));
            CollectionAssert.AreEquivalent(new[] { 1u, 2u, 3u }, after.Select(e => e.Entity).ToArray());
            Assert.AreEqual(5, XOf(after, 2));
            Assert.AreEqual(0, XOf(after, 1));
            Assert.AreEqual(0, XOf(after, 3));
        }

        [Test]
        public void AFullSnapshotReplacesTheWorldSoAnEntityMissingFromItIsGone()
        {
            var world = new MatchWorld();
            world.Apply(Full(1, At(1, 0), At(2, 0)));
            var after = world.Apply(Full(2, At(2, 3), At(4, 1)));
            CollectionAssert.AreEquivalent(new[] { 2u, 4u }, after.Select(e => e.Entity).ToArray());
            Assert.IsFalse(world.TryGet(1, out _));
            Assert.IsTrue(world.TryGet(4, out EntityState four));
            Assert.AreEqual(1, four.Position.X);
        }

        [Test]
        public void APartialSnapshotAddsAnEntityNotSeenBefore()
        {
            var world = new MatchWorld();
            world.Apply(Full(1, At(1, 0)));
            var after = world.Apply(Partial(2, At(9, 7)));
            Assert.AreEqual(2, world.Count);
            Assert.AreEqual(7, XOf(after, 9));
        }

        [Test]
        public void WhatApplyReturnedStaysAsItWasWhenLaterSnapshotsArrive()
        {
            var world = new MatchWorld();
            var first = world.Apply(Full(1, At(1, 0)));
            world.Apply(Partial(2, At(1, 8), At(2, 1)));
            Assert.AreEqual(1, first.Count);
            Assert.AreEqual(0, XOf(first, 1), "the interpolation buffer keeps these lists");
        }
    }
}

namespace PacketFlow.Client.Tests
{
    /// <summary>Snapshots as the gateway would send them, for the tests.</summary>
    internal static class SnapshotBuilder
    {
        public static EntityState At(uint entity, float x) => new EntityState(entity, new Vec3(x, 0.5f, 0), Quat.Identity);

        public static SnapshotPacket Full(uint tick, params EntityState[] entities) =>
            new SnapshotPacket(tick, new InputAck[0], entities, true, new PlayerScore[0]);

        public static SnapshotPacket Partial(uint tick, params EntityState[] entities) =>
            new SnapshotPacket(tick, new InputAck[0], entities, false, new PlayerScore[0]);

        public static SnapshotPacket Acking(uint tick, params InputAck[] acks) =>
            new SnapshotPacket(tick, acks, new EntityState[0], false, new PlayerScore[0]);
    }
}

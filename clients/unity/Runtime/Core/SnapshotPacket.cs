using System.Collections.Generic;

namespace PacketFlow.Client
{
    /// <summary>One <c>Snapshot</c> table as the gateway sends it: the whole match when <see cref="Full"/>, else what moved that tick.</summary>
    public sealed class SnapshotPacket
    {
        public SnapshotPacket(
            uint serverTick,
            IReadOnlyList<InputAck> acks,
            IReadOnlyList<EntityState> entities,
            bool full,
            IReadOnlyList<PlayerScore> scores)
        {
            ServerTick = serverTick;
            Acks = acks;
            Entities = entities;
            Full = full;
            Scores = scores;
        }

        public uint ServerTick { get; }
        public IReadOnlyList<InputAck> Acks { get; }
        public IReadOnlyList<EntityState> Entities { get; }
        public bool Full { get; }
        public IReadOnlyList<PlayerScore> Scores { get; }
    }
}

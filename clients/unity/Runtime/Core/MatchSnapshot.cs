using System.Collections.Generic;

namespace PacketFlow.Client
{
    /// <summary>The state of a match after one server tick, as game code gets it.</summary>
    public sealed class MatchSnapshot
    {
        public MatchSnapshot(SnapshotPacket packet, IReadOnlyList<EntityState> entities)
        {
            ServerTick = packet.ServerTick;
            Acks = packet.Acks;
            Entities = entities;
            Moved = packet.Entities;
            Full = packet.Full;
            Scores = packet.Scores;
        }

        public uint ServerTick { get; }
        public IReadOnlyList<InputAck> Acks { get; }

        /// <summary>
        /// Every entity of the match as of this tick: the ones this snapshot carried, and for a partial snapshot every
        /// other one where it was last seen (the match sends only what moved between its full snapshots).
        /// </summary>
        public IReadOnlyList<EntityState> Entities { get; }

        /// <summary>The entities this snapshot carried: all of them when <see cref="Full"/>, else those that moved during the tick.</summary>
        public IReadOnlyList<EntityState> Moved { get; }

        /// <summary>Whether the gateway sent the whole match (after a join or a leave, and once a second).</summary>
        public bool Full { get; }

        public IReadOnlyList<PlayerScore> Scores { get; }
    }
}

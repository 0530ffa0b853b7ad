using System.Collections.Generic;

namespace PacketFlow.Client
{
    /// <summary>
    /// Every entity of the match where it was last seen. The match sends only what moved during a tick, and the
    /// whole match after every join and leave and once a second: a full snapshot replaces the world (an entity
    /// missing from it is gone), a partial one updates the entities it carries and leaves the others where they were.
    /// </summary>
    public sealed class MatchWorld
    {
        private readonly Dictionary<uint, int> indexOf = new Dictionary<uint, int>();
        private readonly List<EntityState> entities = new List<EntityState>();

        /// <summary>Entities known.</summary>
        public int Count => entities.Count;

        public bool TryGet(uint entity, out EntityState state)
        {
            if (indexOf.TryGetValue(entity, out int index))
            {
                state = entities[index];
                return true;
            }
            state = default(EntityState);
            return false;
        }

        /// <summary>
        /// Applies one snapshot and returns the whole match after it, in the order the entities were first seen since
        /// the last full snapshot: a copy, which the interpolation buffer keeps as it is while later snapshots arrive.
        /// </summary>
        public IReadOnlyList<EntityState> Apply(SnapshotPacket packet)
        {
            if (packet.Full)
            {
                indexOf.Clear();
                entities.Clear();
            }
            foreach (EntityState state in packet.Entities)
            {
                if (indexOf.TryGetValue(state.Entity, out int index))
                {
                    entities[index] = state;
                }
                else
                {
                    indexOf[state.Entity] = entities.Count;
                    entities.Add(state);
                }
            }
            return entities.ToArray();
        }
    }
}

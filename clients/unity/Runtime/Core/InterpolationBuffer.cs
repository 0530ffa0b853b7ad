using System;
using System.Collections.Generic;

namespace PacketFlow.Client
{
    /// <summary>
    /// Smooth rendering of entities from snapshots that arrive at the tick rate with network jitter: snapshots by
    /// server tick, each with its local receive time, sampled a little in the past. Ticks are placed on the local
    /// clock by the offset <c>receivedAt - tick × tickMs</c> of the least delayed snapshot buffered, so one late
    /// snapshot does not jerk the timeline; the render time minus the delay then falls between two snapshots, whose
    /// positions are lerped and rotations slerped. An entity missing from the older snapshot (it just appeared) is
    /// shown where the newer one has it; one missing from the newer snapshot (it left) is no longer shown.
    /// A port of the TypeScript SDK's InterpolationBuffer, so both clients render a match alike.
    /// </summary>
    public sealed class InterpolationBuffer
    {
        private sealed class Buffered
        {
            public uint Tick;
            public double ReceivedAtMs;
            public IReadOnlyList<EntityState> Entities;

            /// <summary>Made when the snapshot is first sampled: a client that never renders never pays for it.</summary>
            public Dictionary<uint, Pose> ByEntity;

            public Dictionary<uint, Pose> Poses()
            {
                if (ByEntity == null)
                {
                    ByEntity = new Dictionary<uint, Pose>(Entities.Count);
                    foreach (EntityState e in Entities) ByEntity[e.Entity] = e.Pose;
                }
                return ByEntity;
            }
        }

        private readonly int capacity;
        private readonly List<Buffered> snapshots = new List<Buffered>();

        /// <param name="tickRate">Server ticks per second.</param>
        /// <param name="delayMs">How far behind the newest snapshot to render; two ticks when null.</param>
        /// <param name="maxExtrapolationMs">How far past the newest snapshot positions may be extrapolated; one tick when null.</param>
        /// <param name="capacity">Snapshots kept (64 is about two seconds at 30 Hz).</param>
        public InterpolationBuffer(double tickRate, double? delayMs = null, double? maxExtrapolationMs = null, int capacity = 64)
        {
            if (!(tickRate > 0) || double.IsInfinity(tickRate))
                throw new ArgumentOutOfRangeException(nameof(tickRate), $"must be positive, got {tickRate}");
            TickMs = 1000 / tickRate;
            DelayMs = delayMs ?? 2 * TickMs;
            MaxExtrapolationMs = maxExtrapolationMs ?? TickMs;
            if (!(DelayMs >= 0 && MaxExtrapolationMs >= 0)) throw new ArgumentOutOfRangeException(nameof(delayMs), "delays must not be negative");
            if (capacity < 2) throw new ArgumentOutOfRangeException(nameof(capacity), "must be 2 or more");
            this.capacity = capacity;
        }

        public double TickMs { get; }
        public double DelayMs { get; }
        public double MaxExtrapolationMs { get; }

        /// <summary>Snapshots buffered.</summary>
        public int Count => snapshots.Count;

        /// <summary>The newest server tick buffered, or null when empty.</summary>
        public uint? NewestTick => snapshots.Count == 0 ? (uint?)null : snapshots[snapshots.Count - 1].Tick;

        /// <summary>
        /// Adds a snapshot: <paramref name="entities"/> is every entity of the match at that tick. A duplicate tick or
        /// one older than everything buffered is dropped as late, unless it lies so far back that the match must have
        /// restarted its clock (resumed from a checkpoint elsewhere): then the buffer starts over from it.
        /// </summary>
        public void Push(uint tick, double receivedAtMs, IReadOnlyList<EntityState> entities)
        {
            if (snapshots.Count > 0)
            {
                uint newest = snapshots[snapshots.Count - 1].Tick;
                if (tick <= newest)
                {
                    if (newest - tick > capacity) snapshots.Clear();
                    else if (tick < snapshots[0].Tick || snapshots.Exists(s => s.Tick == tick)) return;
                }
            }
            int at = snapshots.Count;
            while (at > 0 && snapshots[at - 1].Tick > tick) at--;
            snapshots.Insert(at, new Buffered { Tick = tick, ReceivedAtMs = receivedAtMs, Entities = entities });
            if (snapshots.Count > capacity) snapshots.RemoveAt(0);
        }

        /// <summary>Forgets every snapshot.</summary>
        public void Clear() => snapshots.Clear();

        /// <summary>The server tick shown at a local render time (fractional); null while the buffer is empty.</summary>
        public double? TickAt(double renderTimeMs)
        {
            if (snapshots.Count == 0) return null;
            double offset = double.PositiveInfinity;
            foreach (Buffered s in snapshots) offset = Math.Min(offset, s.ReceivedAtMs - s.Tick * TickMs);
            return (renderTimeMs - DelayMs - offset) / TickMs;
        }

        /// <summary>
        /// Fills <paramref name="frame"/> with the poses at a local render time, on the clock the receive times were
        /// given on. Returns false, leaving the frame as it was, while the buffer is empty.
        /// </summary>
        public bool Sample(double renderTimeMs, InterpolatedFrame frame)
        {
            double? at = TickAt(renderTimeMs);
            if (!at.HasValue) return false;
            double tick = at.Value;
            frame.Poses.Clear();
            Buffered first = snapshots[0];
            if (tick <= first.Tick)
            {
                Fill(frame, first.Tick, 0, first.Poses());
                return true;
            }
            int after = 1;
            while (after < snapshots.Count && snapshots[after].Tick < tick) after++;
            if (after < snapshots.Count)
            {
                Buffered a = snapshots[after - 1];
                Buffered b = snapshots[after];
                Blend(frame, a.Poses(), b.Poses(), (tick - a.Tick) / (b.Tick - a.Tick));
                frame.Tick = tick;
                frame.ExtrapolatedMs = 0;
                return true;
            }
            Extrapolate(frame, tick);
            return true;
        }

        private static void Fill(InterpolatedFrame frame, double tick, double extrapolatedMs, Dictionary<uint, Pose> poses)
        {
            frame.Tick = tick;
            frame.ExtrapolatedMs = extrapolatedMs;
            foreach (KeyValuePair<uint, Pose> entry in poses) frame.Poses[entry.Key] = entry.Value;
        }

        private static void Blend(InterpolatedFrame frame, Dictionary<uint, Pose> from, Dictionary<uint, Pose> to, double t)
        {
            foreach (KeyValuePair<uint, Pose> entry in to)
            {
                Pose end = entry.Value;
                frame.Poses[entry.Key] = from.TryGetValue(entry.Key, out Pose start)
                    ? new Pose(Vec3.Lerp(start.Position, end.Position, t), Quat.Slerp(start.Rotation, end.Rotation, t))
                    : end;
            }
        }

        /// <summary>Carries positions on at the velocity between the last two snapshots, for at most <see cref="MaxExtrapolationMs"/>.</summary>
        private void Extrapolate(InterpolatedFrame frame, double tick)
        {
            Buffered newest = snapshots[snapshots.Count - 1];
            double extrapolatedMs = Math.Min((tick - newest.Tick) * TickMs, MaxExtrapolationMs);
            double shownTick = newest.Tick + extrapolatedMs / TickMs;
            if (snapshots.Count < 2 || extrapolatedMs == 0)
            {
                Fill(frame, shownTick, extrapolatedMs, newest.Poses());
                return;
            }
            Buffered previous = snapshots[snapshots.Count - 2];
            double t = 1 + (shownTick - newest.Tick) / (newest.Tick - previous.Tick);
            Dictionary<uint, Pose> earlier = previous.Poses();
            frame.Tick = shownTick;
            frame.ExtrapolatedMs = extrapolatedMs;
            foreach (KeyValuePair<uint, Pose> entry in newest.Poses())
            {
                Pose pose = entry.Value;
                // Rotations hold at the newest: spinning an entity on past where the server had it looks worse than a pause.
                frame.Poses[entry.Key] = earlier.TryGetValue(entry.Key, out Pose before)
                    ? new Pose(Vec3.Lerp(before.Position, pose.Position, t), pose.Rotation)
                    : pose;
            }
        }
    }
}

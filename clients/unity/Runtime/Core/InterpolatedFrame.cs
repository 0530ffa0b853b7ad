using System.Collections.Generic;

namespace PacketFlow.Client
{
    /// <summary>
    /// The entities' poses at one render time. Reused from frame to frame by <see cref="InterpolationBuffer.Sample"/>,
    /// so rendering sixty times a second allocates nothing once the match's entities are known.
    /// </summary>
    public sealed class InterpolatedFrame
    {
        /// <summary>The (fractional) server tick the frame shows.</summary>
        public double Tick { get; internal set; }

        /// <summary>Milliseconds the frame lies past the newest snapshot (extrapolated); 0 between snapshots.</summary>
        public double ExtrapolatedMs { get; internal set; }

        /// <summary>Every entity shown, by id.</summary>
        public Dictionary<uint, Pose> Poses { get; } = new Dictionary<uint, Pose>();
    }
}

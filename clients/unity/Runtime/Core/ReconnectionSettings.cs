using System;

namespace PacketFlow.Client
{
    /// <summary>
    /// When and how often Colyseus reconnects a dropped connection (the Unity SDK 0.17.2 reconnects after close codes
    /// 1001, 1005, 1006 and 4010). Unset (null) fields keep Colyseus' defaults.
    /// </summary>
    public sealed class ReconnectionSettings
    {
        /// <summary>
        /// Reconnect at all; Colyseus' default is yes. False sets the SDK's <c>MaxRetries</c> to 0, its only way to
        /// turn reconnection off: a drop then raises <c>Dropped</c> and at once <c>Left</c> (4003, or 1006 within
        /// <see cref="MinUptimeMs"/> of the join).
        /// </summary>
        public bool? Enabled { get; set; }

        /// <summary>Attempts before giving up with close code 4003 (Colyseus: 15).</summary>
        public int? MaxRetries { get; set; }

        /// <summary>Base of the exponential backoff (attempt n waits 2^n × this), in ms (Colyseus: 100).</summary>
        public int? InitialDelayMs { get; set; }

        /// <summary>Shortest wait between attempts, in ms (Colyseus: 100).</summary>
        public int? MinDelayMs { get; set; }

        /// <summary>Longest wait between attempts, in ms (Colyseus: 5000).</summary>
        public int? MaxDelayMs { get; set; }

        /// <summary>A connection dropped sooner than this after joining is not reconnected (it is likely to fail again) and leaves with 1006, in ms (Colyseus: 5000).</summary>
        public int? MinUptimeMs { get; set; }

        /// <summary>
        /// Throws an ArgumentException for settings the SDK cannot carry out as written: a negative number, or
        /// <see cref="Enabled"/> saying the opposite of <see cref="MaxRetries"/> (false with attempts, true with none).
        /// </summary>
        public void Validate()
        {
            NotNegative(MaxRetries, nameof(MaxRetries));
            NotNegative(InitialDelayMs, nameof(InitialDelayMs));
            NotNegative(MinDelayMs, nameof(MinDelayMs));
            NotNegative(MaxDelayMs, nameof(MaxDelayMs));
            NotNegative(MinUptimeMs, nameof(MinUptimeMs));
            if (Enabled == false && MaxRetries > 0)
                throw new ArgumentException($"reconnection is disabled but MaxRetries is {MaxRetries}", nameof(MaxRetries));
            if (Enabled == true && MaxRetries == 0)
                throw new ArgumentException("reconnection is enabled but MaxRetries is 0, which turns it off", nameof(MaxRetries));
        }

        /// <summary>The SDK's values with these settings written over <paramref name="current"/> (the room's own, Colyseus' defaults).</summary>
        public ReconnectionValues ApplyTo(ReconnectionValues current)
        {
            Validate();
            return new ReconnectionValues(
                Enabled == false ? 0 : MaxRetries ?? current.MaxRetries,
                InitialDelayMs ?? current.Delay,
                MinDelayMs ?? current.MinDelay,
                MaxDelayMs ?? current.MaxDelay,
                MinUptimeMs ?? current.MinUptime);
        }

        private static void NotNegative(int? value, string name)
        {
            if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must not be negative");
        }
    }
}

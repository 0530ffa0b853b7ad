namespace PacketFlow.Client
{
    /// <summary>How a match connection behaves; every field has a default.</summary>
    public sealed class ConnectionSettings
    {
        /// <summary>Colyseus' automatic reconnection after a dropped connection.</summary>
        public ReconnectionSettings Reconnection { get; set; } = new ReconnectionSettings();

        /// <summary>How far behind the newest snapshot the interpolation buffer renders, in ms; two ticks when null.</summary>
        public double? InterpolationDelayMs { get; set; }

        /// <summary>Whether snapshots feed the interpolation buffer. A client that never renders (a bot) sets false and keeps no past snapshots.</summary>
        public bool Interpolate { get; set; } = true;

        /// <summary>How often to measure the round trip with a Colyseus ping, in ms.</summary>
        public double PingIntervalMs { get; set; } = 2000;

        /// <summary>How long to wait for the gateway's <c>joined</c> after the room was joined, in ms.</summary>
        public int JoinTimeoutMs { get; set; } = 10000;

        /// <summary>Unacknowledged inputs kept for prediction and resending.</summary>
        public int MaxPendingInputs { get; set; } = InputHistory.DefaultMaxPending;

        /// <summary>
        /// Most unacknowledged inputs sent again after a reconnection, the newest ones. The gateway counts resends
        /// against the input rate (60 a second, bursts of 30 by default) and cuts off a client that keeps exceeding
        /// it, so a long drop must not be answered with its whole backlog at once.
        /// </summary>
        public int MaxResendInputs { get; set; } = 20;
    }
}

namespace PacketFlow.Client
{
    /// <summary>
    /// The numbers of the Colyseus Unity SDK's <c>ReconnectionOptions</c> (0.17.2) that <see cref="ReconnectionSettings"/>
    /// sets, with the SDK's names and units. A plain copy, so that the mapping is tested without the SDK.
    /// </summary>
    public readonly struct ReconnectionValues
    {
        public ReconnectionValues(int maxRetries, int delay, int minDelay, int maxDelay, int minUptime)
        {
            MaxRetries = maxRetries;
            Delay = delay;
            MinDelay = minDelay;
            MaxDelay = maxDelay;
            MinUptime = minUptime;
        }

        /// <summary>Attempts after a drop before the room leaves with 4003; 0 leaves at once (the SDK has no other off switch).</summary>
        public int MaxRetries { get; }

        /// <summary>Base of the backoff: attempt n waits 2^n × this, in ms, clamped to [<see cref="MinDelay"/>, <see cref="MaxDelay"/>].</summary>
        public int Delay { get; }

        public int MinDelay { get; }

        public int MaxDelay { get; }

        /// <summary>A connection dropped sooner than this after the first join leaves with 1006 instead of reconnecting, in ms.</summary>
        public int MinUptime { get; }
    }
}

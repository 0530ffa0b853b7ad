namespace PacketFlow.Client
{
    /// <summary>When and how often Colyseus reconnects a dropped connection. Unset (null) fields keep Colyseus' defaults.</summary>
    public sealed class ReconnectionSettings
    {
        /// <summary>Reconnect at all; Colyseus' default is yes.</summary>
        public bool? Enabled { get; set; }

        /// <summary>Attempts before giving up with close code 4003 (Colyseus: 15).</summary>
        public int? MaxRetries { get; set; }

        /// <summary>Base of the exponential backoff (attempt n waits 2^n × this), in ms (Colyseus: 100).</summary>
        public int? InitialDelayMs { get; set; }

        /// <summary>Shortest wait between attempts, in ms (Colyseus: 100).</summary>
        public int? MinDelayMs { get; set; }

        /// <summary>Longest wait between attempts, in ms (Colyseus: 5000).</summary>
        public int? MaxDelayMs { get; set; }

        /// <summary>A connection dropped sooner than this after joining is not reconnected (it is likely to fail again), in ms (Colyseus: 5000).</summary>
        public int? MinUptimeMs { get; set; }
    }
}

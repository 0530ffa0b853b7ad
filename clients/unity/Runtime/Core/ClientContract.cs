namespace PacketFlow.Client
{
    /// <summary>
    /// What a game client and the gateway agree on beside the tables themselves (PROTOCOL.md section 10; the same
    /// values as shared/protocol/src/client/client-contract.ts, which a test compares them with).
    /// </summary>
    public static class ClientContract
    {
        /// <summary>The Colyseus room name of matches.</summary>
        public const string MatchRoom = "match";

        /// <summary>Byte message type client → gateway: one <c>ClientInput</c>.</summary>
        public const string InputMessage = "in";

        /// <summary>Byte message type gateway → client: <c>JoinAccepted</c>, after the join and after every reconnection.</summary>
        public const string JoinedMessage = "joined";

        /// <summary>Byte message type gateway → client: one <c>Snapshot</c> per server tick.</summary>
        public const string SnapshotMessage = "snap";

        /// <summary>
        /// Byte message type gateway → client: <c>MatchHost</c>, the cluster node the match runs on, before every
        /// <c>joined</c> and again whenever the match moves to another node.
        /// </summary>
        public const string HostMessage = "host";

        /// <summary>Sequence numbers may skip ahead (inputs the client dropped) by at most this much.</summary>
        public const int MaxSequenceGap = 1024;
    }
}

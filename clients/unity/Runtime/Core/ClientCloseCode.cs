namespace PacketFlow.Client
{
    /// <summary>Close codes of a match connection beside Colyseus' own (4000 consented, 4001 shutdown, 4003 reconnection gave up).</summary>
    public static class ClientCloseCode
    {
        /// <summary>The client kept sending bad input after being told; it may not reconnect into its seat.</summary>
        public const int Misbehaving = 4400;

        /// <summary>The same player joined the match again from another connection, which took the seat over.</summary>
        public const int Replaced = 4409;
    }
}

namespace PacketFlow.Client
{
    /// <summary>
    /// Codes the client raises itself. They are negative so they never collide with a code from the wire: Colyseus
    /// and the gateway only send positive ones (HTTP statuses, 5xx matchmaking codes, 4xxx WebSocket codes).
    /// </summary>
    public static class SdkErrorCode
    {
        /// <summary>The gateway sent bytes that are not what the message type promises; the message was dropped.</summary>
        public const int UnreadableMessage = -1;

        /// <summary>The room was joined but the gateway's <c>joined</c> confirmation did not arrive in time.</summary>
        public const int JoinTimeout = -2;
    }
}

namespace PacketFlow.Client
{
    /// <summary>
    /// Codes of the room's error event from the gateway: the message was dropped, the connection stays. Repeated
    /// errors end in a close with <see cref="ClientCloseCode.Misbehaving"/>.
    /// </summary>
    public static class ClientErrorCode
    {
        /// <summary>Not a readable table, too large, values out of range, an unknown message type.</summary>
        public const int InvalidPayload = 4217;

        /// <summary>A sequence number of 0, or one that jumps more than <see cref="ClientContract.MaxSequenceGap"/> ahead.</summary>
        public const int BadSequence = 4422;

        /// <summary>More inputs per second than the gateway accepts from one client.</summary>
        public const int RateLimited = 4429;
    }
}

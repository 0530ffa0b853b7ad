namespace PacketFlow.Client
{
    /// <summary>What an acknowledgement changed in an <see cref="InputHistory"/>.</summary>
    public readonly struct AckResult
    {
        /// <summary>Inputs the acknowledgement covered that were still pending.</summary>
        public readonly int Acknowledged;

        /// <summary>
        /// Milliseconds from sending the acknowledged input to receiving the ack, when that input was still pending;
        /// null for an ack that repeats an earlier one.
        /// </summary>
        public readonly double? InputRttMs;

        public AckResult(int acknowledged, double? inputRttMs)
        {
            Acknowledged = acknowledged;
            InputRttMs = inputRttMs;
        }
    }
}

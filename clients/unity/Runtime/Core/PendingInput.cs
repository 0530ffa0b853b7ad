namespace PacketFlow.Client
{
    /// <summary>An input that was sent and not yet covered by an acknowledgement.</summary>
    public readonly struct PendingInput
    {
        public readonly uint Sequence;
        public readonly InputSample Input;

        /// <summary>When it was (last) sent, on the clock the caller passes in.</summary>
        public readonly double SentAtMs;

        public PendingInput(uint sequence, InputSample input, double sentAtMs)
        {
            Sequence = sequence;
            Input = input;
            SentAtMs = sentAtMs;
        }
    }
}

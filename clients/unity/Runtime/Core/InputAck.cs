namespace PacketFlow.Client
{
    /// <summary>The last input sequence number the server applied for one player's entity.</summary>
    public readonly struct InputAck
    {
        public readonly uint Entity;
        public readonly uint Sequence;

        public InputAck(uint entity, uint sequence)
        {
            Entity = entity;
            Sequence = sequence;
        }
    }
}

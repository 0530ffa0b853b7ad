namespace PacketFlow.Client
{
    /// <summary>One player's score, by the entity it controls.</summary>
    public readonly struct PlayerScore
    {
        public readonly uint Entity;
        public readonly uint Score;

        public PlayerScore(uint entity, uint score)
        {
            Entity = entity;
            Score = score;
        }
    }
}

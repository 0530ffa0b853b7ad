namespace PacketFlow.Client
{
    /// <summary>Where an entity is and which way it faces.</summary>
    public readonly struct Pose
    {
        public readonly Vec3 Position;
        public readonly Quat Rotation;

        public Pose(Vec3 position, Quat rotation)
        {
            Position = position;
            Rotation = rotation;
        }
    }
}

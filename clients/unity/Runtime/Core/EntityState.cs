namespace PacketFlow.Client
{
    /// <summary>One entity (a player body or a prop) in a snapshot.</summary>
    public readonly struct EntityState
    {
        public readonly uint Entity;
        public readonly Pose Pose;

        public EntityState(uint entity, Pose pose)
        {
            Entity = entity;
            Pose = pose;
        }

        public EntityState(uint entity, Vec3 position, Quat rotation) : this(entity, new Pose(position, rotation))
        {
        }

        public Vec3 Position => Pose.Position;
        public Quat Rotation => Pose.Rotation;
    }
}

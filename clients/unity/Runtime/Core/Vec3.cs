namespace PacketFlow.Client
{
    /// <summary>A position in the match's world (y is up).</summary>
    public readonly struct Vec3
    {
        public readonly float X;
        public readonly float Y;
        public readonly float Z;

        public Vec3(float x, float y, float z)
        {
            X = x;
            Y = y;
            Z = z;
        }

        /// <summary>The point <paramref name="t"/> of the way from a to b; t beyond [0, 1] carries on along the line.</summary>
        public static Vec3 Lerp(Vec3 a, Vec3 b, double t) => new Vec3(
            (float)(a.X + (b.X - a.X) * t),
            (float)(a.Y + (b.Y - a.Y) * t),
            (float)(a.Z + (b.Z - a.Z) * t));

        public override string ToString() => $"({X}, {Y}, {Z})";
    }
}

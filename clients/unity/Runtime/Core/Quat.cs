using System;

namespace PacketFlow.Client
{
    /// <summary>A unit quaternion: which way an entity faces.</summary>
    public readonly struct Quat
    {
        public static readonly Quat Identity = new Quat(0, 0, 0, 1);

        public readonly float X;
        public readonly float Y;
        public readonly float Z;
        public readonly float W;

        public Quat(float x, float y, float z, float w)
        {
            X = x;
            Y = y;
            Z = z;
            W = w;
        }

        /// <summary>
        /// Spherical interpolation along the shorter arc; normalised lerp where the arc is too short for slerp's
        /// division. The same arithmetic as the TypeScript SDK's, so both clients show the same in-between rotations.
        /// </summary>
        public static Quat Slerp(Quat a, Quat b, double t)
        {
            double dot = (double)a.X * b.X + (double)a.Y * b.Y + (double)a.Z * b.Z + (double)a.W * b.W;
            // q and -q are the same rotation; going to the one on a's side takes the short way round.
            double sign = dot < 0 ? -1 : 1;
            dot *= sign;
            double wa;
            double wb;
            if (dot > 0.9995)
            {
                wa = 1 - t;
                wb = t * sign;
            }
            else
            {
                double theta = Math.Acos(dot);
                double sin = Math.Sin(theta);
                wa = Math.Sin((1 - t) * theta) / sin;
                wb = Math.Sin(t * theta) / sin * sign;
            }
            double x = wa * a.X + wb * b.X;
            double y = wa * a.Y + wb * b.Y;
            double z = wa * a.Z + wb * b.Z;
            double w = wa * a.W + wb * b.W;
            double length = Math.Sqrt(x * x + y * y + z * z + w * w);
            if (length == 0) length = 1;
            return new Quat((float)(x / length), (float)(y / length), (float)(z / length), (float)(w / length));
        }

        public override string ToString() => $"({X}, {Y}, {Z}, {W})";
    }
}

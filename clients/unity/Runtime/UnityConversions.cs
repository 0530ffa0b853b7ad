using UnityEngine;

namespace PacketFlow.Client
{
    /// <summary>
    /// The core's vectors as Unity's, component for component. The match's physics is right-handed and Unity is
    /// left-handed, so a scene shows the mirror image of the match, consistently: positions, rotations and the
    /// move axes (x → +x, y → +z) all agree with one another. A game that must show the same chirality as another
    /// client mirrors z in all three places.
    /// </summary>
    public static class UnityConversions
    {
        public static Vector3 ToUnity(this Vec3 v) => new Vector3(v.X, v.Y, v.Z);

        public static Quaternion ToUnity(this Quat q) => new Quaternion(q.X, q.Y, q.Z, q.W);

        public static Vec2 ToPacketFlow(this Vector2 v) => new Vec2(v.x, v.y);
    }
}

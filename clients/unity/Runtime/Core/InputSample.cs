using System;

namespace PacketFlow.Client
{
    /// <summary>One input sample, as game code gives it to a match connection.</summary>
    public readonly struct InputSample
    {
        /// <summary>Movement intent on the ground plane, each axis in [-1, 1] (x moves along +x, y along +z).</summary>
        public readonly Vec2 Move;

        /// <summary>Aim as yaw (x) and pitch (y) in radians; absent when the game has no aim.</summary>
        public readonly Vec2? Aim;

        public readonly Buttons Buttons;

        /// <summary>The client's own simulation tick, echoed for the game's use.</summary>
        public readonly uint ClientTick;

        public InputSample(Vec2 move, Buttons buttons = Buttons.None, Vec2? aim = null, uint clientTick = 0)
        {
            Move = move;
            Buttons = buttons;
            Aim = aim;
            ClientTick = clientTick;
        }

        /// <summary>
        /// Throws for a sample the gateway would refuse, so the mistake surfaces at the call that made it rather than
        /// as an asynchronous InvalidPayload error from the gateway later.
        /// </summary>
        public void Validate()
        {
            // Written so that NaN fails too.
            if (!(Math.Abs(Move.X) <= 1 && Math.Abs(Move.Y) <= 1))
                throw new ArgumentOutOfRangeException(nameof(Move), $"move axes must be finite and within [-1, 1], got {Move}");
            if (Aim.HasValue && !(IsFinite(Aim.Value.X) && IsFinite(Aim.Value.Y)))
                throw new ArgumentOutOfRangeException(nameof(Aim), $"aim must be finite, got {Aim.Value}");
        }

        private static bool IsFinite(float value) => !float.IsNaN(value) && !float.IsInfinity(value);
    }
}

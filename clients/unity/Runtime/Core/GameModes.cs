namespace PacketFlow.Client
{
    /// <summary>
    /// The game modes a player chooses at join (PROTOCOL.md section 10; the same values as
    /// shared/protocol/src/client/game-modes.ts, which a test compares them with).
    /// </summary>
    public static class GameModes
    {
        /// <summary>A point for each prop a player starts touching.</summary>
        public const string Touch = "touch";

        /// <summary>A point for each second a player stands alone in the zone (<see cref="KingZoneX"/>, <see cref="KingZoneZ"/>, <see cref="KingZoneRadius"/>).</summary>
        public const string King = "king";

        /// <summary>The mode of a join that names none.</summary>
        public const string Default = Touch;

        /// <summary>The king zone: a circle on the arena's floor around (x, z), in metres.</summary>
        public const float KingZoneX = 0f;
        public const float KingZoneZ = 0f;
        public const float KingZoneRadius = 2.5f;
    }
}

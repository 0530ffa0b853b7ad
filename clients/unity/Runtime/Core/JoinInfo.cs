namespace PacketFlow.Client
{
    /// <summary>What the gateway confirms when a player joins a match (a <c>JoinAccepted</c>), and again after every reconnection.</summary>
    public sealed class JoinInfo
    {
        public JoinInfo(string matchId, string playerId, uint entity, ushort tickRate, uint serverTick, string mode = null)
        {
            // Interpolation and the default render delay divide by it.
            if (tickRate == 0) throw new PacketFlowException(SdkErrorCode.UnreadableMessage, "JoinAccepted: tick rate is 0");
            MatchId = matchId ?? "";
            PlayerId = playerId ?? "";
            Entity = entity;
            TickRate = tickRate;
            ServerTick = serverTick;
            Mode = string.IsNullOrEmpty(mode) ? GameModes.Default : mode;
        }

        public string MatchId { get; }
        public string PlayerId { get; }

        /// <summary>The entity this player controls in snapshots.</summary>
        public uint Entity { get; }

        /// <summary>Server ticks per second.</summary>
        public ushort TickRate { get; }

        /// <summary>The match's tick when the join was accepted.</summary>
        public uint ServerTick { get; }

        /// <summary>The match's game mode (<see cref="GameModes"/>; <c>touch</c> from a gateway that predates modes).</summary>
        public string Mode { get; }
    }
}

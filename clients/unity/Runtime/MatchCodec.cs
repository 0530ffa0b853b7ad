using System;
using FlatBuffers;

namespace PacketFlow.Client
{
    /// <summary>
    /// The FlatBuffers side of the client contract: <c>ClientInput</c> out, <c>Snapshot</c> and
    /// <c>JoinAccepted</c> in, read straight from the buffer with the generated code into the core's plain types.
    /// Bytes from the network that do not read as the promised table become a PacketFlowException
    /// (<see cref="SdkErrorCode.UnreadableMessage"/>): the C# runtime bounds-checks every read, so a bad buffer
    /// throws rather than reading outside it.
    /// </summary>
    public sealed class MatchCodec
    {
        private const int EntityTransformSize = 32;
        private const int InputAckSize = 8;
        private const int PlayerScoreSize = 8;

        private readonly FlatBufferBuilder builder = new FlatBufferBuilder(64);

        /// <summary>A <c>ClientInput</c> table for one sample under <paramref name="sequence"/>; the sample must pass <see cref="InputSample.Validate"/>.</summary>
        public byte[] EncodeInput(uint sequence, InputSample sample)
        {
            builder.Clear();
            Game.ClientInput.StartClientInput(builder);
            Game.ClientInput.AddSequence(builder, sequence);
            Game.ClientInput.AddClientTick(builder, sample.ClientTick);
            // A struct field is written in place, so each is created right before the table takes it.
            Game.ClientInput.AddMove(builder, Game.Vec2.CreateVec2(builder, sample.Move.X, sample.Move.Y));
            if (sample.Aim.HasValue) Game.ClientInput.AddAim(builder, Game.Vec2.CreateVec2(builder, sample.Aim.Value.X, sample.Aim.Value.Y));
            Game.ClientInput.AddButtons(builder, (uint)sample.Buttons);
            builder.Finish(Game.ClientInput.EndClientInput(builder).Value);
            return builder.SizedByteArray();
        }

        public SnapshotPacket DecodeSnapshot(byte[] bytes) => Read("Snapshot", bytes, buffer =>
        {
            Game.Snapshot table = Game.Snapshot.GetRootAsSnapshot(buffer);
            var acks = new InputAck[Count(table.AcksLength, InputAckSize, bytes)];
            for (int i = 0; i < acks.Length; i++)
            {
                Game.InputAck ack = table.Acks(i).Value;
                acks[i] = new InputAck(ack.Entity, ack.Sequence);
            }
            var entities = new EntityState[Count(table.EntitiesLength, EntityTransformSize, bytes)];
            for (int i = 0; i < entities.Length; i++)
            {
                Game.EntityTransform t = table.Entities(i).Value;
                Game.Vec3 p = t.Position;
                Game.Quat q = t.Rotation;
                entities[i] = new EntityState(t.Entity, new Vec3(p.X, p.Y, p.Z), new Quat(q.X, q.Y, q.Z, q.W));
            }
            var scores = new PlayerScore[Count(table.ScoresLength, PlayerScoreSize, bytes)];
            for (int i = 0; i < scores.Length; i++)
            {
                Game.PlayerScore score = table.Scores(i).Value;
                scores[i] = new PlayerScore(score.Entity, score.Score);
            }
            return new SnapshotPacket(table.ServerTick, acks, entities, table.Full, scores);
        });

        public JoinInfo DecodeJoined(byte[] bytes) => Read("JoinAccepted", bytes, buffer =>
        {
            Game.JoinAccepted table = Game.JoinAccepted.GetRootAsJoinAccepted(buffer);
            if (table.MatchId == null || table.PlayerId == null) throw Unreadable("JoinAccepted", "match_id or player_id missing");
            return new JoinInfo(table.MatchId, table.PlayerId, table.Entity, table.TickRate, table.ServerTick, table.Mode);
        });

        /// <summary>The node id of a <c>MatchHost</c>: the cluster node the match runs on.</summary>
        public string DecodeHost(byte[] bytes) => Read("MatchHost", bytes, buffer =>
        {
            string node = Game.MatchHost.GetRootAsMatchHost(buffer).NodeId;
            if (string.IsNullOrEmpty(node)) throw Unreadable("MatchHost", "node_id missing");
            return node;
        });

        private static T Read<T>(string table, byte[] bytes, Func<ByteBuffer, T> read)
        {
            // Shorter than a root offset and a vtable offset: no table at all.
            if (bytes == null || bytes.Length < 8) throw Unreadable(table, $"{bytes?.Length ?? 0} bytes");
            try
            {
                return read(new ByteBuffer(bytes));
            }
            catch (Exception e) when (!(e is PacketFlowException))
            {
                throw new PacketFlowException(SdkErrorCode.UnreadableMessage, $"{table} from the gateway dropped: {e.Message}", e);
            }
        }

        /// <summary>A vector's element count, refused when the buffer cannot hold that many, before anything is allocated for them.</summary>
        private static int Count(int length, int elementSize, byte[] bytes)
        {
            if (length < 0 || length > bytes.Length / elementSize) throw Unreadable("Snapshot", $"a vector of {length} elements in {bytes.Length} bytes");
            return length;
        }

        private static PacketFlowException Unreadable(string table, string why) =>
            new PacketFlowException(SdkErrorCode.UnreadableMessage, $"{table} from the gateway dropped: {why}");
    }
}

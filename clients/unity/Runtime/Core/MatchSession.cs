using System;
using System.Collections.Generic;

namespace PacketFlow.Client
{
    /// <summary>
    /// One player's side of one match, without the network: inputs go out numbered, snapshots come in and are merged
    /// into the whole match, acknowledged inputs leave the pending list, and after a reconnection (the gateway's
    /// next <c>joined</c>) the newest unacknowledged inputs go out again. The connection feeds it what the room
    /// delivers and gives it the function that puts an input on the wire; everything here runs on the caller's clock.
    /// </summary>
    public sealed class MatchSession
    {
        private readonly ConnectionSettings settings;
        private readonly Action<uint, InputSample> transmit;
        private readonly InputHistory history;

        /// <summary>Between a drop and the gateway's next <c>joined</c>: inputs are only recorded, to go out in order after it.</summary>
        private bool awaitingJoin;

        /// <summary>The game asked to leave: a reconnection that was already under way must not resend.</summary>
        private bool leaving;

        /// <param name="transmit">Sends one input (its sequence number and sample) to the gateway.</param>
        public MatchSession(ConnectionSettings settings, Action<uint, InputSample> transmit)
        {
            this.settings = settings ?? new ConnectionSettings();
            this.transmit = transmit ?? throw new ArgumentNullException(nameof(transmit));
            history = new InputHistory(this.settings.MaxPendingInputs);
        }

        /// <summary>The latest <c>joined</c>; null until the first.</summary>
        public JoinInfo Join { get; private set; }

        /// <summary>Whether inputs go out now: joined, not dropped, not gone.</summary>
        public bool Connected => Join != null && !awaitingJoin && !CloseCode.HasValue;

        /// <summary>The close code once the connection is gone for good; null before.</summary>
        public int? CloseCode { get; private set; }

        /// <summary>The newest server tick heard of, from the last <c>joined</c> or snapshot.</summary>
        public uint ServerTick { get; private set; }

        /// <summary>The highest input sequence number the server applied for this player; 0 before the first.</summary>
        public uint AckedSequence => history.Acked;

        /// <summary>Inputs sent and not yet acknowledged, oldest first: what client-side prediction replays. A live view.</summary>
        public IReadOnlyList<PendingInput> PendingInputs => history.Pending;

        /// <summary>
        /// Milliseconds from sending the latest acknowledged input to the snapshot that acknowledged it: the round trip
        /// plus the wait in the match's input queue. Null until an input was acknowledged.
        /// </summary>
        public double? InputRttMs { get; private set; }

        /// <summary>Snapshots by server tick, for rendering; null before the first <c>joined</c> and when settings say not to interpolate.</summary>
        public InterpolationBuffer Interpolation { get; private set; }

        /// <summary>Every entity of the match where it was last seen.</summary>
        public MatchWorld World { get; } = new MatchWorld();

        /// <summary>
        /// Takes a <c>joined</c>. The first sets the session up; a later one ends a reconnection, and the newest
        /// pending inputs go out again (the gateway drops those it already forwarded). Returns whether it was a reconnection.
        /// </summary>
        public bool HandleJoined(JoinInfo info, double nowMs)
        {
            bool first = Join == null;
            Join = info;
            awaitingJoin = false;
            ServerTick = Math.Max(ServerTick, info.ServerTick);
            if (first)
            {
                if (settings.Interpolate) Interpolation = new InterpolationBuffer(info.TickRate, settings.InterpolationDelayMs);
                return false;
            }
            if (leaving) return true;
            foreach (PendingInput pending in history.ResendNewest(settings.MaxResendInputs, nowMs)) transmit(pending.Sequence, pending.Input);
            return true;
        }

        /// <summary>
        /// Takes a snapshot: merges it into <see cref="World"/> and applies this player's acknowledgement. Returns
        /// the snapshot for game code, or null before the first <c>joined</c>: the world still takes it, so the full
        /// snapshot a join brings is not lost to the order of arrival, but acks cannot be attributed to this player's
        /// entity yet (the next tick brings another).
        /// </summary>
        public MatchSnapshot HandleSnapshot(SnapshotPacket packet, double nowMs)
        {
            IReadOnlyList<EntityState> entities = World.Apply(packet);
            if (Join == null) return null;
            ServerTick = Math.Max(ServerTick, packet.ServerTick);
            foreach (InputAck ack in packet.Acks)
            {
                if (ack.Entity != Join.Entity) continue;
                AckResult result = history.Acknowledge(ack.Sequence, nowMs);
                if (result.InputRttMs.HasValue) InputRttMs = result.InputRttMs;
                break;
            }
            Interpolation?.Push(packet.ServerTick, nowMs, entities);
            return new MatchSnapshot(packet, entities);
        }

        /// <summary>The connection dropped and is being reconnected: inputs wait for the next <c>joined</c>.</summary>
        public void HandleDrop() => awaitingJoin = true;

        /// <summary>The connection is gone for good.</summary>
        public void HandleLeave(int code) => CloseCode = code;

        /// <summary>The game asked to leave; nothing is resent from now on.</summary>
        public void BeginLeave() => leaving = true;

        /// <summary>
        /// Records one input under the next sequence number (1, 2, 3, …), sends it when connected, and returns the
        /// number. While the connection is down it is only recorded, and goes out with the other pending inputs once
        /// the match is rejoined. Throws for values the gateway would refuse, and after the connection left the match.
        /// </summary>
        public uint SendInput(InputSample input, double nowMs)
        {
            if (CloseCode.HasValue) throw new InvalidOperationException($"the connection has left the match (close code {CloseCode})");
            input.Validate();
            uint sequence = history.Record(input, nowMs);
            if (Connected) transmit(sequence, input);
            return sequence;
        }
    }
}

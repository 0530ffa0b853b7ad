using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Colyseus;

namespace PacketFlow.Client
{
    /// <summary>
    /// A joined match over a Colyseus room: the room's byte messages go through the codec into a
    /// <see cref="MatchSession"/>, which numbers inputs, applies acks, merges snapshots and resends after a
    /// reconnection. Colyseus reconnects a dropped connection into the same seat, after which the gateway sends
    /// <c>joined</c> again. Obtained from <see cref="PacketFlowClient"/>. Events are raised on Unity's main thread,
    /// where the Colyseus SDK delivers room messages.
    /// </summary>
    public sealed class MatchConnection
    {
        private readonly Room<NoState> room;
        private readonly ConnectionSettings settings;
        private readonly MatchSession session;
        private readonly MatchCodec codec = new MatchCodec();
        private readonly TaskCompletionSource<MatchConnection> joined = new TaskCompletionSource<MatchConnection>();
        private readonly TaskCompletionSource<int> left = new TaskCompletionSource<int>();
        private double lastPingAtMs = double.NegativeInfinity;
        private bool leaving;

        internal MatchConnection(Room<NoState> room, ConnectionSettings settings)
        {
            this.room = room;
            this.settings = settings;
            session = new MatchSession(settings, Transmit);
            ApplyReconnection(settings.Reconnection);
            room.OnMessage<byte[]>(ClientContract.JoinedMessage, OnJoinedBytes);
            room.OnMessage<byte[]>(ClientContract.SnapshotMessage, OnSnapshotBytes);
            room.OnMessage<byte[]>(ClientContract.HostMessage, OnHostBytes);
            room.OnError += OnRoomError;
            room.OnDrop += OnRoomDrop;
            room.OnReconnect += OnRoomReconnect;
            room.OnLeave += OnRoomLeave;
#if !UNITY_WEBGL || UNITY_EDITOR
            // WebGL has no thread-pool timers (Task.Delay never completes there): a join still fails when the room
            // errors or closes, only a gateway that never confirms goes unnoticed.
            FailJoinAfter(settings.JoinTimeoutMs);
#endif
        }

        /// <summary>Every snapshot, decoded and merged into the whole match.</summary>
        public event Action<MatchSnapshot> SnapshotReceived;

        /// <summary>The match moved to another cluster node (a failover): its id, as <see cref="Host"/> now reads.</summary>
        public event Action<string> HostChanged;

        /// <summary>
        /// Errors once joined: the gateway's <see cref="ClientErrorCode"/>s (the message was dropped, the connection
        /// stays up), <see cref="SdkErrorCode.UnreadableMessage"/> for bytes from the gateway that did not decode, and
        /// what the Colyseus SDK reports: 0 with the WebSocket's message (for one, every failed reconnection attempt)
        /// and the server's refusal of a reconnection (524), which <see cref="Left"/> with 4003 follows.
        /// </summary>
        public event Action<int, string> ErrorReceived;

        /// <summary>
        /// The connection dropped (Colyseus' <c>OnDrop</c>: close code 1001, 1005, 1006 or 4010) and Colyseus is
        /// reconnecting; inputs are recorded meanwhile. Raised again for every attempt that fails to connect (1006).
        /// With reconnection off, or a drop within <see cref="ReconnectionSettings.MinUptimeMs"/> of the join,
        /// <see cref="Left"/> follows at once. Not raised after <see cref="Leave"/>.
        /// </summary>
        public event Action<int> Dropped;

        /// <summary>The match was rejoined after a drop and the newest pending inputs went out again.</summary>
        public event Action Reconnected;

        /// <summary>
        /// The connection is gone for good, with the close code: 4000 after <see cref="Leave"/> (4003 when the
        /// connection was lost while leaving), a <see cref="ClientCloseCode"/> from the gateway, or Colyseus' codes
        /// (4003 when reconnection gave up or was off, 1006 for a drop within the minimum uptime).
        /// </summary>
        public event Action<int> Left;

        /// <summary>Completes once the gateway confirmed the join; fails with a PacketFlowException when the room refused, closed or errored first, or the confirmation did not come in time.</summary>
        public Task<MatchConnection> Joined => joined.Task;

        public string MatchId => session.Join?.MatchId;
        public string PlayerId => session.Join?.PlayerId;

        /// <summary>The cluster node the match runs on, as the gateway last said; null before the first word.</summary>
        public string Host { get; private set; }

        /// <summary>The entity this player controls in snapshots.</summary>
        public uint Entity => session.Join?.Entity ?? 0;

        /// <summary>Server ticks per second.</summary>
        public int TickRate => session.Join?.TickRate ?? 0;

        /// <summary>The newest server tick heard of.</summary>
        public uint ServerTick => session.ServerTick;

        /// <summary>The round trip of the latest Colyseus ping, in ms; null until the first pong.</summary>
        public int? RttMs { get; private set; }

        /// <inheritdoc cref="MatchSession.InputRttMs"/>
        public double? InputRttMs => session.InputRttMs;

        /// <inheritdoc cref="MatchSession.AckedSequence"/>
        public uint AckedSequence => session.AckedSequence;

        /// <inheritdoc cref="MatchSession.PendingInputs"/>
        public IReadOnlyList<PendingInput> PendingInputs => session.PendingInputs;

        /// <inheritdoc cref="MatchSession.Interpolation"/>
        public InterpolationBuffer Interpolation => session.Interpolation;

        /// <inheritdoc cref="MatchSession.World"/>
        public MatchWorld World => session.World;

        /// <summary>Whether the connection is up and confirmed: false between a drop and the gateway's next <c>joined</c>.</summary>
        public bool Connected => session.Connected;

        /// <summary>Whether the connection is gone for good.</summary>
        public bool HasLeft => session.CloseCode.HasValue;

        /// <inheritdoc cref="MatchSession.SendInput"/>
        public uint SendInput(InputSample input) => session.SendInput(input, UnityClock.NowMs);

        /// <summary>Leaves the match (consented: the gateway frees the player's seat at once). Completes with the close code.</summary>
        public Task<int> Leave()
        {
            if (!HasLeft && !leaving)
            {
                leaving = true;
                session.BeginLeave();
                // Colyseus takes a connection lost while leaving for a drop and would reconnect; with no attempts left
                // it leaves at once (4003). An attempt already scheduled cannot be called off (0.17.2 checks the
                // count only before waiting): if it gets back in, OnRoomReconnect leaves before the gateway sends
                // anything, and if it fails the room leaves with 4003.
                room.Reconnection.MaxRetries = 0;
                if (room.Connection.IsOpen) _ = room.Leave(true);
            }
            return left.Task;
        }

        private void ApplyReconnection(ReconnectionSettings wanted)
        {
            if (wanted == null) return;
            ReconnectionOptions options = room.Reconnection;
            ReconnectionValues values = wanted.ApplyTo(
                new ReconnectionValues(options.MaxRetries, options.Delay, options.MinDelay, options.MaxDelay, options.MinUptime));
            options.MaxRetries = values.MaxRetries;
            options.Delay = values.Delay;
            options.MinDelay = values.MinDelay;
            options.MaxDelay = values.MaxDelay;
            options.MinUptime = values.MinUptime;
        }

#if !UNITY_WEBGL || UNITY_EDITOR
        private async void FailJoinAfter(int timeoutMs)
        {
            await Task.Delay(timeoutMs);
            Refuse(new PacketFlowException(SdkErrorCode.JoinTimeout, $"no joined from the gateway within {timeoutMs} ms"));
        }
#endif

        /// <summary>Fails the join if it is still pending, and closes the room nobody will hold.</summary>
        private void Refuse(PacketFlowException error)
        {
            if (!joined.TrySetException(error)) return;
            if (room.Connection != null && room.Connection.IsOpen) _ = room.Leave(true);
        }

        private void OnJoinedBytes(byte[] bytes)
        {
            JoinInfo info;
            try
            {
                info = codec.DecodeJoined(bytes);
            }
            catch (PacketFlowException e)
            {
                if (joined.Task.IsCompleted) ErrorReceived?.Invoke(e.Code, e.Message);
                else Refuse(e);
                return;
            }
            bool reconnection = session.HandleJoined(info, UnityClock.NowMs);
            PingWhenDue();
            if (!reconnection) joined.TrySetResult(this);
            else if (!leaving) Reconnected?.Invoke();
        }

        private void OnHostBytes(byte[] bytes)
        {
            string node;
            try
            {
                node = codec.DecodeHost(bytes);
            }
            catch (PacketFlowException e)
            {
                ErrorReceived?.Invoke(e.Code, e.Message);
                return;
            }
            if (node == Host) return;
            bool moved = Host != null;
            Host = node;
            if (moved) HostChanged?.Invoke(node);
        }

        private void OnSnapshotBytes(byte[] bytes)
        {
            SnapshotPacket packet;
            try
            {
                packet = codec.DecodeSnapshot(bytes);
            }
            catch (PacketFlowException e)
            {
                ErrorReceived?.Invoke(e.Code, e.Message);
                return;
            }
            MatchSnapshot snapshot = session.HandleSnapshot(packet, UnityClock.NowMs);
            if (snapshot == null) return;
            // Pinging from the snapshot stream rather than a timer works on WebGL too.
            PingWhenDue();
            SnapshotReceived?.Invoke(snapshot);
        }

        private void PingWhenDue()
        {
            double now = UnityClock.NowMs;
            if (now - lastPingAtMs < settings.PingIntervalMs) return;
            lastPingAtMs = now;
            room.Ping(ms => RttMs = ms);
        }

        /// <summary>
        /// Puts one input on the wire. Colyseus would queue a send while its socket is closed and flush the queue
        /// after a reconnection; the session resends what is pending itself, so a queued copy would only count against
        /// the gateway's input rate.
        /// </summary>
        private void Transmit(uint sequence, InputSample input)
        {
            if (room.Connection == null || !room.Connection.IsOpen) return;
            _ = room.SendBytes(ClientContract.InputMessage, codec.EncodeInput(sequence, input));
        }

        private void OnRoomError(int code, string message)
        {
            if (joined.Task.IsCompleted) ErrorReceived?.Invoke(code, message ?? "");
            else Refuse(new PacketFlowException(code, message ?? $"room error {code}"));
        }

        private void OnRoomDrop(int code)
        {
            session.HandleDrop();
            // While leaving no reconnection follows (Leave set no attempts), so the drop is no news to the game.
            if (!leaving) Dropped?.Invoke(code);
        }

        private void OnRoomReconnect()
        {
            if (leaving) _ = room.Leave(true);
        }

        private void OnRoomLeave(int code)
        {
            session.HandleLeave(code);
            Refuse(new PacketFlowException(code, $"the room closed before the join was confirmed (code {code})"));
            left.TrySetResult(code);
            Left?.Invoke(code);
        }
    }
}

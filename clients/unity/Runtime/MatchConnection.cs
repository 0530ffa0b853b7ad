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

        /// <summary>
        /// Errors that leave the connection up: the gateway's <see cref="ClientErrorCode"/>s (the message was dropped)
        /// and <see cref="SdkErrorCode.UnreadableMessage"/> for bytes from the gateway that did not decode.
        /// </summary>
        public event Action<int, string> ErrorReceived;

        /// <summary>The connection dropped and Colyseus is reconnecting; inputs are recorded meanwhile.</summary>
        public event Action<int> Dropped;

        /// <summary>The match was rejoined after a drop and the newest pending inputs went out again.</summary>
        public event Action Reconnected;

        /// <summary>
        /// The connection is gone for good, with the close code: 4000 after <see cref="Leave"/>, a
        /// <see cref="ClientCloseCode"/> from the gateway, or Colyseus' codes (4003 when reconnection gave up).
        /// </summary>
        public event Action<int> Left;

        /// <summary>Completes once the gateway confirmed the join; fails with a PacketFlowException when the room refused, closed or errored first, or the confirmation did not come in time.</summary>
        public Task<MatchConnection> Joined => joined.Task;

        public string MatchId => session.Join?.MatchId;
        public string PlayerId => session.Join?.PlayerId;

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
                // Colyseus takes a connection lost while leaving for a drop and would rejoin; a reconnection already
                // under way leaves on arrival (OnRoomReconnect).
                room.Reconnection.Enabled = false;
                if (room.Connection.IsOpen) _ = room.Leave(true);
            }
            return left.Task;
        }

        private void ApplyReconnection(ReconnectionSettings wanted)
        {
            ReconnectionOptions options = room.Reconnection;
            if (wanted.Enabled.HasValue) options.Enabled = wanted.Enabled.Value;
            if (wanted.MaxRetries.HasValue) options.MaxRetries = wanted.MaxRetries.Value;
            if (wanted.InitialDelayMs.HasValue) options.Delay = wanted.InitialDelayMs.Value;
            if (wanted.MinDelayMs.HasValue) options.MinDelay = wanted.MinDelayMs.Value;
            if (wanted.MaxDelayMs.HasValue) options.MaxDelay = wanted.MaxDelayMs.Value;
            if (wanted.MinUptimeMs.HasValue) options.MinUptime = wanted.MinUptimeMs.Value;
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
            Dropped?.Invoke(code);
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

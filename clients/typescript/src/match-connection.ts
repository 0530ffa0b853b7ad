// One player's connection to one match: the Colyseus room underneath, the gateway's byte messages on top.
import { CloseCode, ErrorCode, type Room } from '@colyseus/sdk';
import { ClientMessage } from '@packetflow/protocol';
import { InputHistory, type PendingInput } from './input-history.js';
import { InterpolationBuffer } from './interpolation-buffer.js';
import { Listeners } from './listeners.js';
import { checkInputSample, MatchCodec } from './match-codec.js';
import type { EntityState, InputSample, JoinInfo, MatchSnapshot } from './match-types.js';
import { PacketFlowError, SdkErrorCode } from './packetflow-error.js';
import { applyReconnection, type ReconnectionSettings, type RejoinSettings } from './reconnection-settings.js';

/** How a connection behaves; every field has a default. */
export interface ConnectionSettings {
  /** Colyseus' automatic reconnection after a dropped connection. */
  readonly reconnection?: ReconnectionSettings;
  /** Joining the match again when reconnection finds its room gone (the gateway restarted). */
  readonly rejoin?: RejoinSettings;
  /** How far behind the newest snapshot `interpolation` renders, in ms; two ticks unless set. */
  readonly interpolationDelayMs?: number;
  /**
   * Whether snapshots feed `interpolation`; true unless set. A client that never renders (a bot, a load test)
   * sets false and keeps no buffer of past snapshots.
   */
  readonly interpolate?: boolean;
  /** How often to measure the round trip with a Colyseus ping, in ms; 2000 unless set. */
  readonly pingIntervalMs?: number;
  /** How long to wait for the gateway's `Joined` after the room was joined, in ms; 10000 unless set. */
  readonly joinTimeoutMs?: number;
  /** Unacknowledged inputs kept for prediction and resending; 1024 unless set. */
  readonly maxPendingInputs?: number;
  /**
   * Most unacknowledged inputs sent again after a reconnection, the newest ones; 20 unless set. The gateway counts
   * resends against the client's input rate (60 a second, bursts of 30 by default) and cuts off a client that keeps
   * exceeding it, so a long drop must not be answered with its whole backlog at once.
   */
  readonly maxResendInputs?: number;
}

const now = (): number => performance.now();

/**
 * Joins the match with this id again through a new room (`create` with `matchId` and `continueInputs`), calling
 * `attach` with the room before it connects; rejects as `PacketFlowClient`'s joins do.
 */
export type Rejoiner = (matchId: string, attach: (room: Room) => void) => Promise<void>;

/**
 * Refusals a rejoin does not try again: the token or the options are refused, or the match holds no seat for the
 * player any more (522). Anything else (the gateway not up yet, the match not reachable yet) is worth another try.
 */
const FINAL_REFUSALS: ReadonlySet<number> = new Set([
  ErrorCode.MATCHMAKE_NO_HANDLER,
  ErrorCode.MATCHMAKE_INVALID_CRITERIA,
  ErrorCode.MATCHMAKE_INVALID_ROOM_ID,
  ErrorCode.AUTH_FAILED,
]);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The error for a message from the gateway that did not decode: not bytes at all, or not the promised table. */
function unreadable(table: string, decoded: { error: Error } | undefined): PacketFlowError {
  const why = decoded === undefined ? 'not a byte message' : decoded.error.message;
  return new PacketFlowError(SdkErrorCode.UnreadableMessage, `${table} from the gateway dropped: ${why}`);
}

/**
 * A joined match. Inputs go out numbered, snapshots come in decoded, acknowledged inputs leave the pending list,
 * and a dropped connection is reconnected by Colyseus into the same match, after which the gateway confirms the
 * join again and the newest unacknowledged inputs are sent again (the gateway drops those it already forwarded).
 * When the reconnection finds the room gone (the gateway restarted), the connection joins the match again through
 * a new room, numbering on as before.
 *
 * Obtained from `PacketFlowClient.joinOrCreate`, `create` or `join`, once the gateway has confirmed the join.
 */
export class MatchConnection {
  private joinInfo: JoinInfo | undefined;
  private latestServerTick = 0;
  private buffer: InterpolationBuffer | undefined;
  private readonly codec = new MatchCodec();
  /** Every entity of the match where it was last seen: full snapshots replace it, partial ones update it. */
  private readonly world = new Map<number, EntityState>();
  private readonly history: InputHistory;
  private readonly pingIntervalMs: number;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private latestRttMs: number | undefined;
  private latestInputRttMs: number | undefined;
  private latestHost: string | undefined;
  /** Between a drop and the gateway's next `Joined`: inputs are only recorded, to go out in order after it. */
  private awaitingJoin = false;
  /** `leave()` was called: a reconnection that was already under way leaves as soon as it is back. */
  private leaving = false;
  /** Between the old room's failed reconnection and the end of the rejoin. */
  private rejoining = false;
  /** A room joined by a rejoin: its `Joined` re-seats the player rather than reconnecting them. */
  private reseating = false;
  /** Colyseus' reconnection attempts that failed to connect since the last `Joined`. */
  private failedReconnects = 0;
  private room: Room;
  /** Settles `joined`: until the first `Joined`, or the first room's refusal. */
  private settle: { resolve(c: MatchConnection): void; reject(e: PacketFlowError): void } | undefined;
  private readonly joinTimeout: ReturnType<typeof setTimeout>;
  private closeCode: number | undefined;
  private readonly left: Promise<number>;
  private resolveLeft!: (code: number) => void;

  private readonly snapshotListeners = new Listeners<[snapshot: MatchSnapshot, ackedSequence: number]>();
  private readonly errorListeners = new Listeners<[code: number, message: string]>();
  private readonly dropListeners = new Listeners<[code: number, reason: string]>();
  private readonly reconnectListeners = new Listeners<[]>();
  private readonly reseatListeners = new Listeners<[info: JoinInfo]>();
  private readonly hostListeners = new Listeners<[nodeId: string]>();
  private readonly leaveListeners = new Listeners<[code: number, reason: string]>();

  /**
   * Resolves once the gateway confirmed the join; rejects with a PacketFlowError when the room refused, closed
   * or errored first, or the confirmation did not come in time.
   */
  readonly joined: Promise<MatchConnection>;

  /**
   * Attaches to a Colyseus room before it connects, so no message can arrive unheard. Game code gets connections
   * from `PacketFlowClient`; this is public for that client only.
   */
  constructor(
    room: Room,
    private readonly settings: ConnectionSettings = {},
    private readonly rejoiner?: Rejoiner,
  ) {
    this.room = room;
    this.history = new InputHistory(settings.maxPendingInputs);
    this.pingIntervalMs = settings.pingIntervalMs ?? 2000;
    this.left = new Promise((resolve) => {
      this.resolveLeft = resolve;
    });
    this.joined = new Promise<MatchConnection>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // Nobody awaits `joined` when the Colyseus join itself fails; that rejection is reported there.
    this.joined.catch(() => {});
    const timeoutMs = settings.joinTimeoutMs ?? 10_000;
    this.joinTimeout = setTimeout(() => {
      this.refuse(new PacketFlowError(SdkErrorCode.JoinTimeout, `no Joined from the gateway within ${timeoutMs} ms`));
    }, timeoutMs);
    this.attach(room);
  }

  private refuse(error: PacketFlowError): void {
    clearTimeout(this.joinTimeout);
    if (this.settle === undefined) return;
    this.settle.reject(error);
    this.settle = undefined;
    // Nobody will hold this room: close it rather than leave a player half-joined.
    if (this.room.connection?.isOpen) void this.room.leave(true);
  }

  private get rejoins(): boolean {
    return this.rejoiner !== undefined && this.settings.rejoin?.enabled !== false;
  }

  /** Whether a lost room is answered by joining the match again: it was joined, and the game is not leaving. */
  private get mayRejoin(): boolean {
    return this.joinInfo !== undefined && !this.leaving && this.rejoins;
  }

  /** Listens to a room: the first one, then each a rejoin makes. Events of a room left behind are ignored. */
  private attach(room: Room): void {
    this.room = room;
    applyReconnection(room, this.settings.reconnection);
    room.onMessage(ClientMessage.Joined, (bytes: unknown) => {
      if (room !== this.room) return;
      const decoded = bytes instanceof Uint8Array ? this.codec.decodeJoined(bytes) : undefined;
      if (decoded === undefined || !decoded.ok) {
        const error = unreadable('Joined', decoded);
        if (this.settle === undefined) this.errorListeners.emit(error.code, error.message);
        else this.refuse(error);
        return;
      }
      this.onJoined(decoded.value);
      if (this.settle === undefined) return;
      clearTimeout(this.joinTimeout);
      this.settle.resolve(this);
      this.settle = undefined;
    });
    room.onMessage(ClientMessage.Snapshot, (bytes: unknown) => {
      if (room === this.room) this.onSnapshotBytes(bytes);
    });
    room.onMessage(ClientMessage.Host, (bytes: unknown) => {
      if (room === this.room) this.onHostBytes(bytes);
    });
    room.onError((code, message) => {
      if (room !== this.room) return;
      // A reconnection into a room that is gone; the rejoin that follows its close answers it.
      if (code === ErrorCode.MATCHMAKE_EXPIRED && this.joinInfo !== undefined && this.rejoins) return;
      if (this.settle === undefined) this.errorListeners.emit(code, message ?? '');
      else this.refuse(new PacketFlowError(code, message ?? `room error ${code}`));
    });
    room.onDrop((code, reason) => {
      if (room !== this.room) return;
      // A drop while Colyseus is already reconnecting is one of its attempts failing to connect.
      if (room.reconnection.isReconnecting) this.failedReconnects++;
      if (this.failedReconnects >= (this.settings.rejoin?.afterFailedReconnects ?? 1) && this.mayRejoin) {
        // The room's gateway is gone or cut off, and every further attempt would wait on it: Colyseus gives up at
        // once instead (FAILED_TO_RECONNECT), and the rejoin goes through the endpoint to a gateway that is up.
        room.reconnection.maxRetries = room.reconnection.retryCount;
      }
      this.awaitingJoin = true;
      this.dropListeners.emit(code, reason ?? '');
    });
    room.onReconnect(() => {
      if (room === this.room && this.leaving) void room.leave(true);
    });
    room.onLeave((code, reason) => {
      if (room !== this.room) return;
      if (code === CloseCode.FAILED_TO_RECONNECT && this.mayRejoin) {
        void this.rejoin(code, reason ?? '');
        return;
      }
      this.finish(code, reason ?? `room closed with ${code}`);
    });
  }

  /** The connection is gone for good. */
  private finish(code: number, reason: string): void {
    if (this.closeCode !== undefined) return;
    this.closeCode = code;
    clearInterval(this.pingTimer);
    this.refuse(new PacketFlowError(code, `the room closed before the join was confirmed: ${reason}`));
    this.resolveLeft(code);
    this.leaveListeners.emit(code, reason);
  }

  /**
   * Joins the match again through a new room, with backoff while the gateway is not back yet. Gives up on a final
   * refusal (with its code) or after the last attempt (with the failed reconnection's).
   */
  private async rejoin(code: number, reason: string): Promise<void> {
    const maxAttempts = this.settings.rejoin?.maxAttempts ?? 10;
    const initialDelayMs = this.settings.rejoin?.initialDelayMs ?? 250;
    const maxDelayMs = this.settings.rejoin?.maxDelayMs ?? 5000;
    const matchId = this.matchId;
    this.rejoining = true;
    for (let attempt = 1; attempt <= maxAttempts && this.closeCode === undefined; attempt++) {
      try {
        await this.rejoiner!(matchId, (room) => {
          this.reseating = true;
          this.attach(room);
        });
        this.rejoining = false;
        // Left while the attempt was on its way: the new room's leave has nobody to tell.
        if (this.closeCode !== undefined) void this.room.leave(true);
        return;
      } catch (error) {
        if (error instanceof PacketFlowError && FINAL_REFUSALS.has(error.code)) {
          this.rejoining = false;
          this.finish(error.code, error.message);
          return;
        }
      }
      if (attempt < maxAttempts) await sleep(Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1)));
    }
    this.rejoining = false;
    this.finish(code, `${reason}; rejoining match ${matchId} failed ${maxAttempts} times`);
  }

  /** The first `Joined` sets the connection up; later ones (after reconnections) resend pending inputs. */
  private onJoined(info: JoinInfo): void {
    const first = this.joinInfo === undefined;
    this.joinInfo = info;
    this.awaitingJoin = false;
    this.failedReconnects = 0;
    this.latestServerTick = Math.max(this.latestServerTick, info.serverTick);
    if (first) {
      this.buffer = new InterpolationBuffer({ tickRate: info.tickRate, delayMs: this.settings.interpolationDelayMs });
      this.ping();
      this.pingTimer = setInterval(() => this.ping(), this.pingIntervalMs);
      return;
    }
    if (this.leaving) return;
    const resend = this.history.resendNewest(this.settings.maxResendInputs ?? 20, now());
    for (const pending of resend) this.transmit(pending.sequence, pending.input);
    if (this.reseating) {
      this.reseating = false;
      this.reseatListeners.emit(info);
    } else this.reconnectListeners.emit();
  }

  private onSnapshotBytes(bytes: unknown): void {
    const decoded = bytes instanceof Uint8Array ? this.codec.decodeSnapshot(bytes) : undefined;
    if (decoded === undefined || !decoded.ok) {
      const error = unreadable('Snapshot', decoded);
      this.errorListeners.emit(error.code, error.message);
      return;
    }
    const packet = decoded.value;
    // Kept even before the first Joined: the full snapshot a join brings must not be lost to the order of arrival.
    if (packet.full) this.world.clear();
    for (const state of packet.entities) this.world.set(state.entity, state);
    // Acks cannot be attributed to this player's entity before the first Joined; the next tick brings another.
    if (this.joinInfo === undefined) return;
    const snapshot: MatchSnapshot = {
      serverTick: packet.serverTick,
      acks: packet.acks,
      entities: [...this.world.values()],
      moved: packet.entities,
      full: packet.full,
      scores: packet.scores,
      ...(packet.resumedFromTick === undefined ? {} : { resumedFromTick: packet.resumedFromTick }),
    };
    const receivedAt = now();
    if (packet.resumedFromTick !== undefined) {
      // The match went back to the tick it resumed from: ticks from before would hold the new ones back as late.
      this.latestServerTick = snapshot.serverTick;
      this.buffer?.clear();
    }
    this.latestServerTick = Math.max(this.latestServerTick, snapshot.serverTick);
    const entity = this.joinInfo.entity;
    const ack = snapshot.acks.find((a) => a.entity === entity);
    if (ack !== undefined) {
      const result = this.history.acknowledge(ack.sequence, receivedAt);
      if (result.inputRttMs !== undefined) this.latestInputRttMs = result.inputRttMs;
    }
    if (this.settings.interpolate !== false) this.buffer!.push(snapshot.serverTick, receivedAt, snapshot.entities);
    this.snapshotListeners.emit(snapshot, this.history.acked);
  }

  /** The gateway tells the host before every `Joined` as well as when it changed: only a change is news. */
  private onHostBytes(bytes: unknown): void {
    const decoded = bytes instanceof Uint8Array ? this.codec.decodeHost(bytes) : undefined;
    if (decoded === undefined || !decoded.ok) {
      const error = unreadable('MatchHost', decoded);
      this.errorListeners.emit(error.code, error.message);
      return;
    }
    if (decoded.value === this.latestHost) return;
    this.latestHost = decoded.value;
    this.hostListeners.emit(decoded.value);
  }

  private ping(): void {
    this.room.ping((ms) => {
      this.latestRttMs = ms;
    });
  }

  private transmit(sequence: number, input: InputSample): void {
    this.room.sendBytes(ClientMessage.Input, this.codec.encodeInput(sequence, input));
  }

  /** The match this connection is in. */
  get matchId(): string {
    return this.joinInfo!.matchId;
  }

  /** The player the gateway authenticated this connection as. */
  get playerId(): string {
    return this.joinInfo!.playerId;
  }

  /** The entity this player controls in snapshots. */
  get entity(): number {
    return this.joinInfo!.entity;
  }

  /** Server ticks per second. */
  get tickRate(): number {
    return this.joinInfo!.tickRate;
  }

  /** The match's game mode (`touch` or `king`), as the gateway confirmed it. */
  get mode(): string {
    return this.joinInfo!.mode;
  }

  /** The newest server tick heard of: from the last `Joined` or snapshot. */
  get serverTick(): number {
    return this.latestServerTick;
  }

  /**
   * The id of the cluster node the match runs on, as the gateway last told it: known once the join is confirmed
   * with a gateway that tells it (undefined otherwise). It changes when the match moves to another node.
   */
  get host(): string | undefined {
    return this.latestHost;
  }

  /** Round-trip time from the latest Colyseus ping, in ms; undefined until the first pong. */
  get rttMs(): number | undefined {
    return this.latestRttMs;
  }

  /**
   * Milliseconds from sending the latest acknowledged input to the snapshot that acknowledged it: the round trip
   * plus the wait in the match's input queue. Undefined until an input was acknowledged.
   */
  get inputRttMs(): number | undefined {
    return this.latestInputRttMs;
  }

  /** The highest input sequence number the server has applied for this player; 0 before the first. */
  get ackedSequence(): number {
    return this.history.acked;
  }

  /** Inputs sent and not yet acknowledged, oldest first: what client-side prediction replays. A live view. */
  get pendingInputs(): readonly PendingInput[] {
    return this.history.pending;
  }

  /** Snapshots of the match by server tick, for rendering other entities smoothly. */
  get interpolation(): InterpolationBuffer {
    return this.buffer!;
  }

  /** Whether the connection is up and confirmed: false between a drop and the gateway's next `Joined`. */
  get connected(): boolean {
    return this.closeCode === undefined && !this.awaitingJoin;
  }

  /**
   * Sends one input under the next sequence number (1, 2, 3, …) and returns that number. The input stays in
   * `pendingInputs` until a snapshot acknowledges it. While the connection is down it is only recorded, and goes out
   * with the other pending inputs once the match is rejoined. Throws a RangeError for values the gateway would
   * refuse, and an Error after the connection has left the match.
   */
  sendInput(input: InputSample): number {
    if (this.closeCode !== undefined) throw new Error(`the connection has left match ${this.matchId}`);
    checkInputSample(input);
    const sequence = this.history.record(input, now());
    if (!this.awaitingJoin && this.room.connection.isOpen) this.transmit(sequence, input);
    return sequence;
  }

  /** Calls back with every decoded snapshot and this player's acknowledged sequence. Returns the removal. */
  onSnapshot(callback: (snapshot: MatchSnapshot, ackedSequence: number) => void): () => void {
    return this.snapshotListeners.add(callback);
  }

  /**
   * Calls back with errors that leave the connection up: the gateway's `ClientErrorCode`s (the message was
   * dropped) and `SdkErrorCode.UnreadableMessage` for bytes from the gateway that did not decode.
   */
  onError(callback: (code: number, message: string) => void): () => void {
    return this.errorListeners.add(callback);
  }

  /**
   * Calls back with the new node's id when the match moved to another cluster node (its host died and another
   * resumed it). The node it was on when the join was confirmed is `host`.
   */
  onHost(callback: (nodeId: string) => void): () => void {
    return this.hostListeners.add(callback);
  }

  /** Calls back when the connection dropped and Colyseus starts reconnecting. */
  onDrop(callback: (code: number, reason: string) => void): () => void {
    return this.dropListeners.add(callback);
  }

  /** Calls back when the match was rejoined after a drop and pending inputs went out again. */
  onReconnect(callback: () => void): () => void {
    return this.reconnectListeners.add(callback);
  }

  /**
   * Calls back when the player is back in the match through a new room, after reconnection found the old one gone
   * (the gateway restarted), with the gateway's new confirmation: the entity is the same unless the match had let
   * the player go. Pending inputs went out again, numbered on as before.
   */
  onReseat(callback: (info: JoinInfo) => void): () => void {
    return this.reseatListeners.add(callback);
  }

  /**
   * Calls back once the connection is gone for good, with the close code: 4000 after `leave()`, a
   * `ClientCloseCode` from the gateway, or Colyseus' codes (4003 when reconnection gave up and no rejoin did
   * better), or a rejoin's final refusal (522: the match holds no seat for the player any more).
   */
  onLeave(callback: (code: number, reason: string) => void): () => void {
    return this.leaveListeners.add(callback);
  }

  /** Leaves the match (consented: the gateway frees the player's slot at once). Resolves with the close code. */
  leave(): Promise<number> {
    if (this.closeCode === undefined && !this.leaving) {
      this.leaving = true;
      // Colyseus takes a connection lost while leaving for a drop and would rejoin; a reconnection already under way
      // leaves on arrival (onReconnect).
      this.room.reconnection.enabled = false;
      // A rejoin has no room open to close, or one still connecting, which it leaves once joined.
      if (this.rejoining) this.finish(CloseCode.CONSENTED, 'left while rejoining the match');
      else if (this.room.connection.isOpen) void this.room.leave(true);
    }
    return this.left;
  }
}

// The `match` room: one Colyseus room per match, its room id the match id. Clients join with a signed token; their
// byte messages pass the input guard and go to the match as PlayerInput packets; the match's snapshots come back
// through the room's actor and go out to every client as bytes.

import {
  type AuthContext,
  type Client,
  CloseCode,
  ErrorCode,
  getMessageBytes,
  matchMaker,
  Protocol,
  Room,
  ServerError,
} from '@colyseus/core';
import { type ActorRef, type ActorSystem, type Logger, RefusedError, retryUntilAnswered } from '@packetflow/actors';
import { PlayerClient } from '@packetflow/player-store';
import {
  ClientCloseCode,
  ClientMessage,
  createProtocolRegistry,
  DEFAULT_GAME_MODE,
  type FindSeatMessage,
  GAME_MODES,
  Game,
  type GameMode,
  isGameMode,
  type JoinAcceptedMessage,
  type LeaveMatchMessage,
  MATCH_ROOM,
  type MatchHostMessage,
  type MatchRequest,
  type MessageRegistry,
  type PlayerInputMessage,
  type PlayerStatsMessage,
} from '@packetflow/protocol';
import type { GatewayConfig } from '../config.js';
import { InputGuard, InputStream } from '../input/input-guard.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { ackCount, ackEntity, ackSequence, PendingInputs, snapshotAcks } from '../metrics/input-latency.js';
import { type TokenClaims, verifyToken } from '../token.js';
import { TransportCloseCode } from '../transport/bound-transport.js';
import type { InputFastPath } from '../transport/input-fast-path.js';
import { bannedError, CutOffBans } from './cut-off-bans.js';
import type { InputPacer } from './input-pacer.js';
import { KeptInputs } from './kept-inputs.js';
import { MATCH_KIND, type Pending, ROOM_KIND, type RoomActorMessage, type RoomPort } from './room-actor.js';
import { type Publisher, RoomFanout } from './room-fanout.js';
import { SeatInput } from './seat-input.js';

export interface MatchRoomDeps {
  readonly system: ActorSystem;
  readonly registry: MessageRegistry;
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  /** The transport's uWS app, which publishes each snapshot to a room's clients at once. */
  readonly publisher: Publisher;
  /** Sends players' inputs on to their matches, in bursts (every input of every room goes through it, in order). */
  readonly inputs: InputPacer;
  /** Takes seated clients' input frames past Colyseus' dispatch, to `onInput`; undefined leaves them to Colyseus. */
  readonly inputRoutes?: InputFastPath;
  /** The node a match runs on, by its id; undefined while no node hosts matches. */
  hostOf(matchId: string): string | undefined;
  /** Stats writes of players who left, still retrying: the gateway's shutdown waits for them. */
  readonly statsWrites: Set<Promise<unknown>>;
  /**
   * Resolves once matchmaking forgot the rooms of gateways the cluster knows are gone (GoneGateways); at once when
   * there are none, or no other gateways.
   */
  gatewaysSettled(): Promise<void>;
}

export interface JoinOptions {
  /** Display name: 1–32 printable characters. */
  readonly name?: string;
  /**
   * The game mode (`GAME_MODES`); `touch` when absent. Matchmaking only puts players of one mode together, and a
   * room of another mode refuses a join that names this one.
   */
  readonly mode?: string;
  /**
   * `create` only: bring back the room of this match, which its gateway lost (it restarted), with this id. Only a
   * player the match still holds a seat for may (see restoreTarget).
   */
  readonly matchId?: string;
  /**
   * The client goes on numbering its inputs from before (an SDK back in its match through a new room after the
   * gateway restarted): the match keeps the sequence numbers it saw from the player, and the first input may jump.
   * Otherwise a player joining a match they are already in numbers from 1 again.
   */
  readonly continueInputs?: boolean;
}

interface CheckedJoinOptions {
  readonly name: string | undefined;
  /** The mode the options name; undefined when they name none. */
  readonly mode: GameMode | undefined;
  readonly matchId: string | undefined;
  readonly continueInputs: boolean;
}

/** One player's place in the room. It outlives a connection: a reconnected or replacing client takes it over. */
class Seat {
  client: Client;
  /** The JoinAccepted body, sent again to every client that takes the seat over. */
  joined: Uint8Array = new Uint8Array(0);
  /** Set when the gateway cut the client off: its drop must not hold the seat, and it leaves the match as kicked. */
  cutOff = false;
  /** The reconnection Colyseus holds open for a dropped client, so that a new join can cancel it. */
  reconnection: ReturnType<Room['allowReconnection']> | undefined;
  /** The player's entity in the match, whose acks in snapshots acknowledge the client's inputs. */
  entity = -1;
  /** The client's accepted inputs no snapshot sent to it has acknowledged yet, for the input-to-snapshot metric. */
  readonly pending = new PendingInputs();
  /** `playerId` as UTF-8, for the PlayerInput of each of its inputs (SeatInput). */
  readonly playerIdBytes: Uint8Array;

  constructor(
    readonly playerId: string,
    readonly stream: InputStream,
    /** The inputs forwarded in the last seconds, given to the match again after a failover. */
    readonly kept: KeptInputs,
    client: Client,
  ) {
    this.client = client;
    this.playerIdBytes = new TextEncoder().encode(playerId);
  }
}

/**
 * How often a room checks that its match still sends snapshots, and how long a silence means it does not: a
 * second, or ten ticks at a slow tick rate.
 */
const SNAPSHOT_WATCH_MS = 250;
const SNAPSHOT_STALL_MS = 1000;
const SNAPSHOT_STALL_TICKS = 10;

/**
 * The deadline of each ask that joins a player to the match again after a failover. The match's new host answers
 * in milliseconds (a checkpoint read, a physics restore); a host that does not is cut off or stopped, and the next
 * ask, routed again, reaches the owner membership names by then instead of waiting out the service timeout.
 */
const REJOIN_ASK_MS = 1000;

/** Encodes snapshot objects from a match in this process; the gateway's own registry passes snapshots through. */
const snapshotObjects = createProtocolRegistry();

/** The bytes Colyseus puts before a byte message's body: its protocol code and the message type. */
function byteMessageHeader(type: string): number {
  return getMessageBytes.raw(Protocol.ROOM_DATA_BYTES, type, undefined, new Uint8Array(0)).byteLength;
}
const JOINED_HEADER_BYTES = byteMessageHeader(ClientMessage.Joined);
const HOST_HEADER_BYTES = byteMessageHeader(ClientMessage.Host);

/** The Colyseus or gateway code a refused join was refused with (0, counted as other, when it has none). */
function refusalCode(error: unknown): number {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : 0;
}

/** Connections the transport closed for breaking the WebSocket protocol: cut off like those the guard cuts off. */
const PROTOCOL_VIOLATIONS: ReadonlyMap<number, string> = new Map<number, string>([
  [TransportCloseCode.MessageTooBig, 'a WebSocket frame over the size limit'],
  [TransportCloseCode.InvalidText, 'a text frame that is not UTF-8'],
]);

const NAME = /^[\p{L}\p{N}\p{P}\p{S} ]{1,32}$/u;
/** Room ids Colyseus makes, and so match ids, are in this alphabet. */
const MATCH_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Join options as the gateway uses them; anything the player store or the gateway would not accept is refused. */
function joinOptions(options: unknown): CheckedJoinOptions {
  if (options === undefined) return { name: undefined, mode: undefined, matchId: undefined, continueInputs: false };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, 'join options: expected a JSON object');
  }
  const { name, mode, matchId, continueInputs } = options as JoinOptions;
  if (mode !== undefined && !isGameMode(mode)) {
    throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, `mode: one of ${GAME_MODES.join(', ')}`);
  }
  if (name !== undefined && (typeof name !== 'string' || !NAME.test(name))) {
    throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, 'name: 1 to 32 printable characters');
  }
  if (matchId !== undefined && (typeof matchId !== 'string' || !MATCH_ID.test(matchId))) {
    throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, 'matchId: 1 to 64 letters, digits, _ or -');
  }
  if (continueInputs !== undefined && typeof continueInputs !== 'boolean') {
    throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, 'continueInputs: true or false');
  }
  return { name, mode, matchId, continueInputs: continueInputs ?? false };
}

/**
 * Makes a reservation that names no mode name the default one, so that matchmaking (which filters rooms by the
 * `mode` option) puts it with players who chose `touch` rather than beside every room. A join by id, or a create
 * that brings a room back, goes to a match whose mode is already set: left as it is.
 */
function defaultMode(options: unknown, context: AuthContext): void {
  const { method } = reservationRoute(context);
  if (method === 'joinById' || typeof options !== 'object' || options === null) return;
  const given = options as { mode?: unknown; matchId?: unknown };
  if (given.mode === undefined && given.matchId === undefined) given.mode = DEFAULT_GAME_MODE;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether a token and join options may have a seat; throws the Colyseus error the client sees when not. */
function admit(config: GatewayConfig, token: unknown, options: unknown): TokenClaims {
  const check = verifyToken(config.tokenSecret, token);
  if (!check.ok) throw new ServerError(ErrorCode.AUTH_FAILED, `token refused: ${check.reason}`);
  joinOptions(options);
  return check.claims;
}

/** The matchmaking method of a seat reservation, from its route (`/matchmake/<method>/<room name or id>`). */
function reservationRoute(context: AuthContext): { method: string | undefined; room: string | undefined } {
  const path = context.req?.url === undefined ? '' : new URL(context.req.url).pathname;
  const [, , method, room] = path.split('/');
  return { method, room };
}

/**
 * The match a seat reservation is about to go to: the id for joinById, the match a create brings back, the room
 * joinOrCreate and join would pick (the same query they make next), none for a create of a new match.
 */
async function reservationTarget(context: AuthContext, options: unknown): Promise<string | undefined> {
  const { method, room } = reservationRoute(context);
  if (method === 'create') return joinOptions(options).matchId;
  if (method === 'joinById') return room;
  const listing = await matchMaker.findOneRoomAvailable(MATCH_ROOM, options as Record<string, unknown>);
  return listing?.roomId;
}

/**
 * Whether a create may bring back the room of this match: its gateway restarted and the room went with it, but the
 * match kept its players' seats (for its rejoin window). Only a player the match holds a seat for may, so nobody
 * else can raise rooms for matches, or learn which match ids exist; once the room is back it is a room like any
 * other (joinById while seats are free). A match that is over (it holds no seat for the player) answers 522, as a
 * joinById to an id with no room does; a match that cannot be asked, 526, which a client may try again.
 */
async function restoreTarget(deps: MatchRoomDeps, matchId: string, playerId: string): Promise<void> {
  const findSeat: FindSeatMessage = { type: 'FindSeat', body: new Game.JoinMatchT(matchId, playerId, null, false) };
  try {
    await deps.system.send(deps.system.ref<MatchRequest>(MATCH_KIND, matchId), findSeat, {
      timeoutMs: deps.config.serviceTimeoutMs,
    });
  } catch (error) {
    if (error instanceof RefusedError) {
      throw new ServerError(
        ErrorCode.MATCHMAKE_INVALID_ROOM_ID,
        `match ${matchId} holds no seat for this player: it is over, or the player was never in it`,
      );
    }
    throw new ServerError(ErrorCode.APPLICATION_ERROR, `match unavailable: ${describeError(error)}`);
  }
}

/** The room class for one gateway: Colyseus constructs rooms itself, so the gateway's parts come in by closure. */
export function matchRoomType(deps: MatchRoomDeps): typeof MatchRoom {
  return class BoundMatchRoom extends MatchRoom {
    protected override readonly deps = deps;

    /**
     * Colyseus calls the static onAuth when a seat is reserved (POST /matchmake/*), before any seat is taken; the
     * instance one only at the WebSocket join, when the reservation already holds a seat. Answering `true` rather
     * than the claims keeps the instance check: Colyseus skips it for a reservation that carries auth data.
     */
    static override async onAuth(token: string, options: unknown, context: AuthContext): Promise<true> {
      const { playerId } = admit(deps.config, token, options);
      defaultMode(options, context);
      const matchId = await reservationTarget(context, options);
      if (matchId !== undefined) {
        await new CutOffBans(matchMaker.presence, deps.config.cutOffBanMs).refuseBanned(matchId, playerId);
      }
      if (matchId !== undefined && reservationRoute(context).method === 'create') {
        await restoreTarget(deps, matchId, playerId);
      }
      // Colyseus reads the listings next: a dead gateway's room would take the reservation and fail it after 4 s.
      await deps.gatewaysSettled();
      return true;
    }
  };
}

export class MatchRoom extends Room {
  /** Set by the class `matchRoomType` makes; a bare MatchRoom has none and cannot be created. */
  protected readonly deps!: MatchRoomDeps;
  private actor!: ActorRef<RoomActorMessage>;
  private match!: ActorRef<MatchRequest>;
  private guard!: InputGuard;
  private players!: PlayerClient;
  private snapshots!: RoomFanout;
  private readonly seats = new Map<string, Seat>();
  /** Seats by their player's entity, to find whose inputs a snapshot's acks acknowledge. */
  private readonly seatsByEntity = new Map<number, Seat>();
  /** The node the room last told its clients the match runs on, and that `MatchHost` encoded. */
  private host: string | undefined;
  private hostBytes: Uint8Array = new Uint8Array(0);
  /** When the last snapshot came, for the watch on a match that stopped sending them. */
  private lastSnapshotAt = performance.now();
  private rejoining = false;
  /**
   * The node the cluster routed the match to when the room last joined its players: inputs that find the route
   * elsewhere mean the match moved (its host died or left), and the room joins its players again at once.
   */
  private matchNode: string | undefined;
  /** Whether this room locked itself (see keepLockTrue), so it is the one to unlock. */
  private lockedForFull = false;
  private stallMs = SNAPSHOT_STALL_MS;
  /**
   * The match's game mode: the one the room was made for, or, for a room brought back for its match, the one the
   * match answers its first join with.
   */
  private mode: GameMode | undefined;
  private bans!: CutOffBans;
  /** Players this room banned, whose bans go with it. */
  private readonly banned = new Set<string>();
  /** The reconnection tokens of clients cut off, and until when their reconnection is refused as a ban. */
  private readonly cutOffTokens = new Map<string, number>();

  override async onCreate(options: unknown): Promise<void> {
    const { system, config, registry, metrics } = this.deps;
    // Counted until disposed: Colyseus disposes of a room whose onCreate failed, or that it discards as a duplicate.
    metrics.addRoom(this);
    // A room brought back for its match takes the match's id. Two creates for one match (its players coming back
    // together, through this gateway or another on the same Redis) both get here; Colyseus records only the first
    // room under that id (the driver's insert), discards the other and seats both players in the first.
    const { matchId, mode } = joinOptions(options);
    this.mode = matchId === undefined ? (mode ?? DEFAULT_GAME_MODE) : mode;
    if (matchId !== undefined) this.roomId = matchId;
    this.maxClients = config.matchSize;
    // Colyseus' own cut-off, for whatever slips past the guard (pings count too); the guard acts long before it.
    this.maxMessagesPerSecond = Math.max(4 * config.maxInputsPerSecond, 240);
    this.guard = new InputGuard(config, registry);
    this.bans = new CutOffBans(this.presence, config.cutOffBanMs);
    this.players = new PlayerClient(system, { timeoutMs: config.serviceTimeoutMs });
    this.match = system.ref<MatchRequest>(MATCH_KIND, this.roomId);
    this.snapshots = new RoomFanout(this.deps.publisher, ClientMessage.Snapshot);
    const port: RoomPort = { matchId: this.roomId, snapshot: (snapshot) => this.broadcastSnapshot(snapshot) };
    this.actor = await system.create<RoomActorMessage>(ROOM_KIND, port);
    this.clock.setInterval(() => {
      this.watchSnapshots();
      this.keepLockTrue();
    }, SNAPSHOT_WATCH_MS);
    this.onMessageBytes(ClientMessage.Input, (client: Client, bytes: Uint8Array) => this.onInput(client, bytes));
    this.onMessage('*', (client: Client, type: unknown) => {
      const seat = this.seatOf(client);
      if (seat !== undefined && seat.client === client)
        this.enforce(client, seat, this.guard.unexpected(seat.stream, type, performance.now()));
    });
  }

  override async onAuth(_client: Client, options: unknown, context: AuthContext): Promise<TokenClaims> {
    try {
      const claims = admit(this.deps.config, context.token, options);
      const { mode } = joinOptions(options);
      if (mode !== undefined && this.mode !== undefined && mode !== this.mode) {
        throw new ServerError(
          ErrorCode.MATCHMAKE_INVALID_CRITERIA,
          `mode: match ${this.roomId} plays ${this.mode}, not ${mode}`,
        );
      }
      await this.bans.refuseBanned(this.roomId, claims.playerId);
      return claims;
    } catch (error) {
      this.deps.metrics.joinFailed(refusalCode(error));
      throw error;
    }
  }

  /** A cut-off client's reconnection is refused as its ban, rather than as a token Colyseus no longer knows. */
  override checkReconnectionToken(reconnectionToken: string): string {
    const sessionId = super.checkReconnectionToken(reconnectionToken);
    const bannedUntil = this.cutOffTokens.get(reconnectionToken) ?? 0;
    if (sessionId === undefined && bannedUntil > Date.now()) throw bannedError(this.roomId, bannedUntil - Date.now());
    return sessionId;
  }

  override async onJoin(client: Client, options: unknown, claims: TokenClaims): Promise<void> {
    try {
      await this.join(client, options, claims);
    } catch (error) {
      this.deps.metrics.joinFailed(refusalCode(error));
      throw error;
    }
    this.deps.metrics.joins++;
  }

  private async join(client: Client, options: unknown, claims: TokenClaims): Promise<void> {
    const { playerId } = claims;
    const { name, continueInputs } = joinOptions(options);
    try {
      await this.players.load(playerId, name);
    } catch (error) {
      throw new ServerError(ErrorCode.APPLICATION_ERROR, `player store unavailable: ${describeError(error)}`);
    }
    // A seated player joining again is a new client (another tab, a restarted game; a reconnection comes through
    // onReconnect). It numbers its inputs from 1: from now on only its inputs count, and the match and the seat's
    // input stream start their count again. So does a player the match holds but this room does not seat, unless the
    // client continues its numbering (continueInputs: it is back after its gateway restarted).
    const seated = this.seats.get(playerId);
    const replaced = seated && { seat: seated, client: seated.client, lastSequence: seated.stream.lastSequence };
    if (replaced) {
      replaced.seat.client = client;
      replaced.seat.stream.lastSequence = 0;
      replaced.seat.pending.clear();
      if (!continueInputs) replaced.seat.kept.clear();
    }
    let accepted: JoinAcceptedMessage;
    try {
      accepted = await this.ask<JoinAcceptedMessage>({
        type: 'RoomJoin',
        playerId,
        name: name ?? null,
        mode: this.mode ?? null,
        restartInputs: !continueInputs,
      });
    } catch (error) {
      // The older connection plays on as it was, unless yet another one took the seat meanwhile.
      if (replaced && replaced.seat.client === client) {
        replaced.seat.client = replaced.client;
        replaced.seat.stream.lastSequence = replaced.lastSequence;
      }
      throw new ServerError(ErrorCode.APPLICATION_ERROR, `match unavailable: ${describeError(error)}`);
    }
    this.matchNode ??= this.deps.hostOf(this.roomId);
    // A room brought back for its match learns the match's mode from its first join.
    if (this.mode === undefined && isGameMode(accepted.body.mode)) this.mode = accepted.body.mode;
    let seat = this.seats.get(playerId);
    if (seat === undefined) {
      const { maxInputsPerSecond, inputBurst } = this.deps.config;
      const kept = new KeptInputs(KeptInputs.capacityFor(maxInputsPerSecond, inputBurst));
      seat = new Seat(playerId, new InputStream(this.deps.config, performance.now()), kept, client);
      this.seats.set(playerId, seat);
    } else {
      this.takeOver(seat, client, replaced?.client);
    }
    seat.stream.mayJump = continueInputs;
    seat.joined = this.deps.registry.encode(accepted);
    seat.entity = accepted.body.entity;
    this.seatsByEntity.set(seat.entity, seat);
    this.stallMs = Math.max(SNAPSHOT_STALL_MS, (SNAPSHOT_STALL_TICKS * 1000) / Math.max(1, accepted.body.tickRate));
    client.userData = seat;
    this.routeInputs(client);
    this.sendHost(client);
    this.sendJoined(client, seat);
  }

  private routeInputs(client: Client): void {
    this.deps.inputRoutes?.route(client, (bytes) => this.onInput(client, bytes));
  }

  /** Tells a client that joined or came back where the match runs, before its `joined`. */
  private sendHost(client: Client): void {
    // A change is told to every client, this one included: Colyseus lists it among the room's clients by now.
    if (this.followHost() || this.host === undefined) return;
    client.sendBytes(ClientMessage.Host, this.hostBytes);
    this.deps.metrics.sentBytes += HOST_HEADER_BYTES + this.hostBytes.byteLength;
  }

  /**
   * Tells every client when the node the match runs on is not the one they were told; whether it did. Checked at
   * every snapshot, as the cluster routes to the match: a match that moved (a failover) sends snapshots again only
   * once the room's rejoin reached it on its new node, by the same routing. The owner comes from the cluster's route
   * cache, so the check costs a lookup and a comparison.
   */
  private followHost(): boolean {
    const host = this.deps.hostOf(this.roomId);
    // No node hosting matches is no news: the clients keep the last one they heard of.
    if (host === undefined || host === this.host) return false;
    this.host = host;
    const message: MatchHostMessage = { type: 'MatchHost', body: new Game.MatchHostT(host) };
    this.hostBytes = this.deps.registry.encode(message);
    this.broadcastBytes(ClientMessage.Host, this.hostBytes, {});
    this.deps.metrics.sentBytes += this.clients.length * (HOST_HEADER_BYTES + this.hostBytes.byteLength);
    return true;
  }

  private sendJoined(client: Client, seat: Seat): void {
    client.sendBytes(ClientMessage.Joined, seat.joined);
    this.deps.metrics.sentBytes += JOINED_HEADER_BYTES + seat.joined.byteLength;
  }

  /** The same player joined again (another tab, a restarted client): the new connection takes the seat. */
  private takeOver(seat: Seat, client: Client, previous: Client | undefined): void {
    seat.reconnection?.reject(new Error('replaced by a new connection'));
    seat.reconnection = undefined;
    seat.client = client;
    seat.pending.clear();
    if (previous !== undefined && previous !== client && this.clients.includes(previous)) {
      (previous.userData as unknown) = undefined;
      this.deps.inputRoutes?.forget(previous);
      previous.leave(ClientCloseCode.Replaced, 'the player joined again from another connection');
    }
  }

  override onDrop(client: Client, code?: number): void {
    this.snapshots.leave(client);
    this.deps.inputRoutes?.forget(client);
    const seat = this.seatOf(client);
    // A connection whose seat another took over (or is taking over) holds no place of its own.
    if (seat === undefined || seat.client !== client) return;
    seat.pending.clear();
    const violation = code === undefined ? undefined : PROTOCOL_VIOLATIONS.get(code);
    if (violation !== undefined && code !== undefined) this.cutOff(seat, violation, code);
    if (seat.cutOff || code === CloseCode.WITH_ERROR || code === CloseCode.SERVER_SHUTDOWN) return;
    const reconnection = this.allowReconnection(client, this.deps.config.reconnectWindowMs / 1000);
    seat.reconnection = reconnection;
    reconnection.then(
      () => {
        if (seat.reconnection === reconnection) seat.reconnection = undefined;
      },
      () => {
        if (seat.reconnection === reconnection) seat.reconnection = undefined;
      },
    );
  }

  override onReconnect(client: Client): void {
    const seat = this.seatOf(client);
    if (seat === undefined) return;
    seat.client = client;
    seat.stream.mayJump = true;
    seat.pending.clear();
    this.routeInputs(client);
    this.sendHost(client);
    this.sendJoined(client, seat);
    // Joining again changes nothing in the match but makes its next snapshot full: the client missed the
    // movements sent while it was away.
    this.ask({ type: 'RoomJoin', playerId: seat.playerId, name: null }).catch((error: unknown) => {
      this.deps.logger.warn('no full snapshot after a reconnection', {
        player: seat.playerId,
        error: describeError(error),
      });
    });
  }

  override async onLeave(client: Client, code?: number): Promise<void> {
    this.snapshots.leave(client);
    this.deps.inputRoutes?.forget(client);
    const seat = this.seatOf(client);
    // A replaced client's seat went on with the new connection; the player is still in the match.
    if (seat === undefined || seat.client !== client) return;
    this.seats.delete(seat.playerId);
    if (this.seatsByEntity.get(seat.entity) === seat) this.seatsByEntity.delete(seat.entity);
    const reason = seat.cutOff
      ? Game.LeaveReason.Kicked
      : code === CloseCode.CONSENTED
        ? Game.LeaveReason.Left
        : Game.LeaveReason.Disconnected;
    // Not awaited: Colyseus holds the leaving client's close and the room's disposal until onLeave is over, and
    // the leave and the stats write may be retried for half a minute while a service restarts. The match is asked
    // directly, not through the room's actor, which stops with the room.
    const leaving = this.leaveMatch(seat.playerId, reason);
    const { statsWrites } = this.deps;
    statsWrites.add(leaving);
    void leaving.finally(() => statsWrites.delete(leaving));
  }

  /**
   * Takes the player out of the match and writes their stats. The leave is asked again while the match cannot
   * answer (its host or its physics restarting): the next ask activates it from its checkpoint, which still holds
   * the player, and the stats only it knows would be lost otherwise.
   */
  private async leaveMatch(playerId: string, reason: Game.LeaveReason): Promise<void> {
    const { system, config, logger } = this.deps;
    const leave: LeaveMatchMessage = { type: 'LeaveMatch', body: new Game.LeaveMatchT(this.roomId, playerId, reason) };
    const { match } = this;
    const fields = { player: playerId, match: this.roomId };
    const stats = await retryUntilAnswered(
      () => system.send<PlayerStatsMessage | undefined>(match, leave, { timeoutMs: config.serviceTimeoutMs }),
      {
        logger,
        retrying: 'the match did not answer the leave; asking again',
        failure: 'player left, stats not written',
        fields,
      },
    );
    if (stats?.type !== 'PlayerStats') return;
    const { matches, score, xp, opKey } = stats.body;
    await this.players.addStatsUntilWritten(playerId, { matches, score, xp }, opKey as string, {
      logger,
      failure: 'player left, stats not written',
      fields: { match: this.roomId },
    });
  }

  override onDispose(): void {
    this.deps.metrics.removeRoom(this);
    if (this.actor !== undefined) this.deps.system.tell(this.actor, { type: 'RoomClose' });
    for (const playerId of this.banned) {
      this.bans.lift(this.roomId, playerId).catch((error: unknown) => {
        this.deps.logger.warn('ban not lifted', { player: playerId, match: this.roomId, error: describeError(error) });
      });
    }
  }

  private onInput(client: Client, bytes: Uint8Array): void {
    const seat = this.seatOf(client);
    if (seat === undefined || seat.client !== client) return;
    const now = performance.now();
    const verdict = this.guard.check(seat.stream, bytes, now);
    if (verdict.kind === 'accept') {
      if (this.matchMoved()) this.rejoin('the match moved to another node; joining its players again');
      seat.kept.keep(verdict.input, now);
      if (!seat.kept.holding) this.forward(seat, verdict.input);
      this.deps.metrics.inputs++;
      seat.pending.add(verdict.input.sequence, now);
      return;
    }
    this.enforce(client, seat, verdict);
  }

  private forward(seat: Seat, input: Game.ClientInputT): void {
    const message: PlayerInputMessage = {
      type: 'PlayerInput',
      body: new SeatInput(seat.playerId, seat.playerIdBytes, input),
    };
    this.deps.inputs.forward(this.match, message);
  }

  /** Whether the cluster now routes the match to another node than the one the room last joined its players on. */
  private matchMoved(): boolean {
    if (this.matchNode === undefined) return false;
    const node = this.deps.hostOf(this.roomId);
    return node !== undefined && node !== this.matchNode;
  }

  private enforce(client: Client, seat: Seat, verdict: ReturnType<InputGuard['check']>): void {
    if (verdict.kind !== 'refuse') return;
    this.deps.metrics.inputRefused(verdict.code);
    if (verdict.cutOff) {
      this.cutOff(seat, verdict.message, ClientCloseCode.Misbehaving);
      client.leave(ClientCloseCode.Misbehaving, verdict.message);
      return;
    }
    if (verdict.report) this.sendError(client, verdict.code, verdict.message);
  }

  /** What `client.error` sends (uWS's client sends this frame as it is), with its bytes counted. */
  private sendError(client: Client, code: number, message: string): void {
    const frame = getMessageBytes[Protocol.ERROR](code, message);
    client.raw(frame);
    this.deps.metrics.sentBytes += frame.byteLength;
  }

  /** Cuts a client off for misbehaving; `code`, what it is closed with (or the violation the transport closed it for). */
  private cutOff(seat: Seat, why: string, code: number): void {
    seat.cutOff = true;
    this.deps.metrics.cutOff(code);
    this.deps.logger.warn('client cut off', { player: seat.playerId, match: this.roomId, why });
    const now = Date.now();
    const until = now + this.deps.config.cutOffBanMs;
    for (const [token, expiry] of this.cutOffTokens) if (expiry <= now) this.cutOffTokens.delete(token);
    this.cutOffTokens.set(seat.client.reconnectionToken, until);
    this.banned.add(seat.playerId);
    this.bans.ban(this.roomId, seat.playerId, now).catch((error: unknown) => {
      this.deps.logger.error('cut-off player not banned', {
        player: seat.playerId,
        match: this.roomId,
        error: describeError(error),
      });
    });
  }

  /**
   * Colyseus locks a room when a seat reservation fills it and unlocks it when a client leaves, but under a churn of
   * slow joins and leaves (seen with 1,000 load-test players) a room can end up full and unlocked; every
   * joinOrCreate then picks it, fails to reserve a seat five times and answers 523, and no new room is ever made.
   * The room keeps its lock true to its count itself.
   */
  private keepLockTrue(): void {
    const full = this.hasReachedMaxClients();
    if (full && !this.locked) {
      this.lockedForFull = true;
      void this.lock();
    } else if (!full && this.locked && this.lockedForFull) {
      this.lockedForFull = false;
      void this.unlock();
    }
  }

  /**
   * A match that resumed on another game-logic host after its own died restores its players from the checkpoint,
   * but not the rooms it sent snapshots to. When snapshots stop while players are seated, the room joins them again:
   * a join changes nothing for a player already in the match, and subscribes the room anew.
   */
  private watchSnapshots(): void {
    if (performance.now() - this.lastSnapshotAt < this.stallMs) return;
    this.rejoin('no snapshot from the match; joining its players again');
  }

  /**
   * Joins every seated player to the match again, where the cluster routes it now, and gives each the inputs it kept:
   * the match resumed from a checkpoint that predates some inputs its dead host applied and acknowledged, and drops
   * the kept ones it has (at or below the sequence it restored, or queued). Until a player's inputs went again, its
   * new ones are held, since one reaching the match first would make it drop the older ones as late. The join keeps
   * the player's input numbering (no restart_inputs).
   */
  private rejoin(why: string): void {
    if (this.seats.size === 0 || this.rejoining) return;
    this.rejoining = true;
    this.matchNode = this.deps.hostOf(this.roomId);
    this.deps.logger.warn(why, {
      match: this.roomId,
      ...(this.matchNode === undefined ? {} : { routedTo: this.matchNode }),
    });
    const seats = [...this.seats.values()];
    for (const seat of seats) seat.kept.holding = true;
    Promise.allSettled(seats.map((seat) => this.rejoinSeat(seat))).then(() => {
      this.rejoining = false;
      this.lastSnapshotAt = performance.now();
      this.matchNode = this.deps.hostOf(this.roomId) ?? this.matchNode;
    });
  }

  /**
   * Each ask has a short deadline and is made again while it fails in a way that passes: each is routed anew, so a
   * host cut off but not yet out of membership costs a deadline or two, not the service timeout. A player not joined
   * in the end keeps its inputs held; the snapshot watch tries again.
   */
  private async rejoinSeat(seat: Seat): Promise<void> {
    const { config, logger } = this.deps;
    const timeoutMs = Math.min(REJOIN_ASK_MS, config.serviceTimeoutMs);
    const accepted = await retryUntilAnswered(
      () => this.ask<JoinAcceptedMessage>({ type: 'RoomJoin', playerId: seat.playerId, name: null, timeoutMs }),
      {
        logger,
        retrying: 'the match did not answer the rejoin; asking again',
        failure: 'player not joined to the match again; retrying when the watch next fires',
        fields: { player: seat.playerId, match: this.roomId },
        firstDelayMs: 50,
        maxDelayMs: 500,
        giveUpAfterMs: config.serviceTimeoutMs,
      },
    );
    if (accepted === undefined || this.seats.get(seat.playerId) !== seat) return;
    seat.kept.holding = false;
    const inputs = seat.kept.all();
    for (const input of inputs) this.forward(seat, input);
    if (inputs.length > 0) {
      logger.info('inputs given to the match again', {
        player: seat.playerId,
        match: this.roomId,
        inputs: inputs.length,
        from: inputs[0]!.sequence,
        to: inputs.at(-1)!.sequence,
      });
    }
  }

  private broadcastSnapshot(snapshot: Game.SnapshotT | Uint8Array): void {
    const now = performance.now();
    this.lastSnapshotAt = now;
    try {
      this.followHost();
      const bytes =
        snapshot instanceof Uint8Array ? snapshot : snapshotObjects.encode({ type: 'Snapshot', body: snapshot });
      this.snapshots.send(this.clients, bytes);
      const { metrics } = this.deps;
      const recipients = this.clients.length;
      metrics.snapshotsSent += recipients;
      metrics.sentBytes += recipients * this.snapshots.frameBytes(bytes.byteLength);
      if (snapshot instanceof Uint8Array) this.acknowledgeBytes(snapshot, now);
      else this.acknowledge(snapshot, now);
    } catch (error) {
      this.deps.logger.error('snapshot not sent', { match: this.roomId, error: describeError(error) });
    }
  }

  /** Times the inputs a snapshot just sent acknowledges, for each seated client it went to. */
  private acknowledge(snapshot: Game.SnapshotT, now: number): void {
    const { acks } = snapshot;
    for (let i = 0; i < acks.length; i++) this.acknowledged(acks[i]!.entity, acks[i]!.sequence, now);
  }

  /** The same for a snapshot passed through as bytes, its acks read in place. */
  private acknowledgeBytes(bytes: Uint8Array, now: number): void {
    const acks = snapshotAcks(bytes);
    if (acks < 0) return;
    const count = ackCount(bytes, acks);
    for (let i = 0; i < count; i++) this.acknowledged(ackEntity(bytes, acks, i), ackSequence(bytes, acks, i), now);
  }

  private acknowledged(entity: number, sequence: number, now: number): void {
    const seat = this.seatsByEntity.get(entity);
    // Pending inputs are forgotten when a client drops, so a seat with some has its client connected.
    if (seat !== undefined && seat.pending.size > 0) {
      seat.pending.acknowledged(sequence, now, this.deps.metrics.inputToSnapshot);
    }
  }

  private seatOf(client: Client): Seat | undefined {
    const seat = client.userData as unknown;
    return seat instanceof Seat ? seat : undefined;
  }

  private async ask<T>(message: RoomActorMessage): Promise<T> {
    const { reply } = await this.deps.system.send<Pending<T>>(this.actor, message, {
      timeoutMs: this.deps.config.serviceTimeoutMs,
    });
    return reply;
  }
}

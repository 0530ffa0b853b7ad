// The `match` room: one Colyseus room per match, its room id the match id. Clients join with a signed token; their
// byte messages pass the input guard and go to the match as PlayerInput packets; the match's snapshots come back
// through the room's actor and go out to every client as bytes.

import { type AuthContext, type Client, CloseCode, ErrorCode, matchMaker, Room, ServerError } from '@colyseus/core';
import { type ActorRef, type ActorSystem, type Logger, type Message, RefusedError } from '@packetflow/actors';
import { PlayerClient } from '@packetflow/player-store';
import {
  ClientCloseCode,
  ClientMessage,
  createProtocolRegistry,
  Game,
  type JoinAcceptedMessage,
  MATCH_ROOM,
  type MessageRegistry,
  type PlayerInputMessage,
  type PlayerStatsMessage,
} from '@packetflow/protocol';
import type { GatewayConfig } from '../config.js';
import { InputGuard, InputStream } from '../input/input-guard.js';
import { type TokenClaims, verifyToken } from '../token.js';
import { TransportCloseCode } from '../transport/bound-transport.js';
import { bannedError, CutOffBans } from './cut-off-bans.js';
import {
  type FindSeatMessage,
  MATCH_KIND,
  type Pending,
  ROOM_KIND,
  type RoomActorMessage,
  type RoomPort,
} from './room-actor.js';

export interface MatchRoomDeps {
  readonly system: ActorSystem;
  readonly registry: MessageRegistry;
  readonly config: GatewayConfig;
  readonly logger: Logger;
}

export interface JoinOptions {
  /** Display name: 1–32 printable characters. */
  readonly name?: string;
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

  constructor(
    readonly playerId: string,
    readonly stream: InputStream,
    client: Client,
  ) {
    this.client = client;
  }
}

/**
 * How often a room checks that its match still sends snapshots, and how long a silence means it does not: a
 * second, or ten ticks at a slow tick rate.
 */
const SNAPSHOT_WATCH_MS = 250;
const SNAPSHOT_STALL_MS = 1000;
const SNAPSHOT_STALL_TICKS = 10;

/** Encodes snapshot objects from a match in this process; the gateway's own registry passes snapshots through. */
const snapshotObjects = createProtocolRegistry();

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
  if (options === undefined) return { name: undefined, matchId: undefined, continueInputs: false };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, 'join options: expected a JSON object');
  }
  const { name, matchId, continueInputs } = options as JoinOptions;
  if (name !== undefined && (typeof name !== 'string' || !NAME.test(name))) {
    throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, 'name: 1 to 32 printable characters');
  }
  if (matchId !== undefined && (typeof matchId !== 'string' || !MATCH_ID.test(matchId))) {
    throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, 'matchId: 1 to 64 letters, digits, _ or -');
  }
  if (continueInputs !== undefined && typeof continueInputs !== 'boolean') {
    throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, 'continueInputs: true or false');
  }
  return { name, matchId, continueInputs: continueInputs ?? false };
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
    await deps.system.send(deps.system.ref<Message>(MATCH_KIND, matchId), findSeat, {
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
      const matchId = await reservationTarget(context, options);
      if (matchId !== undefined) {
        await new CutOffBans(matchMaker.presence, deps.config.cutOffBanMs).refuseBanned(matchId, playerId);
      }
      if (matchId !== undefined && reservationRoute(context).method === 'create') {
        await restoreTarget(deps, matchId, playerId);
      }
      return true;
    }
  };
}

export class MatchRoom extends Room {
  /** Set by the class `matchRoomType` makes; a bare MatchRoom has none and cannot be created. */
  protected readonly deps!: MatchRoomDeps;
  private actor!: ActorRef<RoomActorMessage>;
  private match!: ActorRef<Message>;
  private guard!: InputGuard;
  private players!: PlayerClient;
  private readonly seats = new Map<string, Seat>();
  /** When the last snapshot came, for the watch on a match that stopped sending them. */
  private lastSnapshotAt = performance.now();
  private rejoining = false;
  /** Whether this room locked itself (see keepLockTrue), so it is the one to unlock. */
  private lockedForFull = false;
  private stallMs = SNAPSHOT_STALL_MS;
  private bans!: CutOffBans;
  /** Players this room banned, whose bans go with it. */
  private readonly banned = new Set<string>();
  /** The reconnection tokens of clients cut off, and until when their reconnection is refused as a ban. */
  private readonly cutOffTokens = new Map<string, number>();

  override async onCreate(options: unknown): Promise<void> {
    const { system, config, registry } = this.deps;
    // A room brought back for its match takes the match's id. Two creates for one match (its players coming back
    // together, through this gateway or another on the same Redis) both get here; Colyseus records only the first
    // room under that id (the driver's insert), discards the other and seats both players in the first.
    const { matchId } = joinOptions(options);
    if (matchId !== undefined) this.roomId = matchId;
    this.maxClients = config.matchSize;
    // Colyseus' own cut-off, for whatever slips past the guard (pings count too); the guard acts long before it.
    this.maxMessagesPerSecond = Math.max(4 * config.maxInputsPerSecond, 240);
    this.guard = new InputGuard(config, registry);
    this.bans = new CutOffBans(this.presence, config.cutOffBanMs);
    this.players = new PlayerClient(system, { timeoutMs: config.serviceTimeoutMs });
    this.match = system.ref<Message>(MATCH_KIND, this.roomId);
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
    const claims = admit(this.deps.config, context.token, options);
    await this.bans.refuseBanned(this.roomId, claims.playerId);
    return claims;
  }

  /** A cut-off client's reconnection is refused as its ban, rather than as a token Colyseus no longer knows. */
  override checkReconnectionToken(reconnectionToken: string): string {
    const sessionId = super.checkReconnectionToken(reconnectionToken);
    const bannedUntil = this.cutOffTokens.get(reconnectionToken) ?? 0;
    if (sessionId === undefined && bannedUntil > Date.now()) throw bannedError(this.roomId, bannedUntil - Date.now());
    return sessionId;
  }

  override async onJoin(client: Client, options: unknown, claims: TokenClaims): Promise<void> {
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
    }
    let accepted: JoinAcceptedMessage;
    try {
      accepted = await this.ask<JoinAcceptedMessage>({
        type: 'RoomJoin',
        playerId,
        name: name ?? null,
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
    let seat = this.seats.get(playerId);
    if (seat === undefined) {
      seat = new Seat(playerId, new InputStream(this.deps.config, performance.now()), client);
      this.seats.set(playerId, seat);
    } else {
      this.takeOver(seat, client, replaced?.client);
    }
    seat.stream.mayJump = continueInputs;
    seat.joined = this.deps.registry.encode(accepted);
    this.stallMs = Math.max(SNAPSHOT_STALL_MS, (SNAPSHOT_STALL_TICKS * 1000) / Math.max(1, accepted.body.tickRate));
    client.userData = seat;
    client.sendBytes(ClientMessage.Joined, seat.joined);
  }

  /** The same player joined again (another tab, a restarted client): the new connection takes the seat. */
  private takeOver(seat: Seat, client: Client, previous: Client | undefined): void {
    seat.reconnection?.reject(new Error('replaced by a new connection'));
    seat.reconnection = undefined;
    seat.client = client;
    if (previous !== undefined && previous !== client && this.clients.includes(previous)) {
      (previous.userData as unknown) = undefined;
      previous.leave(ClientCloseCode.Replaced, 'the player joined again from another connection');
    }
  }

  override onDrop(client: Client, code?: number): void {
    const seat = this.seatOf(client);
    // A connection whose seat another took over (or is taking over) holds no place of its own.
    if (seat === undefined || seat.client !== client) return;
    const violation = code === undefined ? undefined : PROTOCOL_VIOLATIONS.get(code);
    if (violation !== undefined) this.cutOff(seat, violation);
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
    client.sendBytes(ClientMessage.Joined, seat.joined);
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
    const seat = this.seatOf(client);
    // A replaced client's seat went on with the new connection; the player is still in the match.
    if (seat === undefined || seat.client !== client) return;
    this.seats.delete(seat.playerId);
    const reason = seat.cutOff
      ? Game.LeaveReason.Kicked
      : code === CloseCode.CONSENTED
        ? Game.LeaveReason.Left
        : Game.LeaveReason.Disconnected;
    try {
      const stats = await this.ask<PlayerStatsMessage | undefined>({
        type: 'RoomLeave',
        playerId: seat.playerId,
        reason,
      });
      if (stats?.type !== 'PlayerStats') return;
      const { matches, score, xp } = stats.body;
      await this.players.addStats(seat.playerId, { matches, score, xp });
    } catch (error) {
      this.deps.logger.error('player left, stats not written', {
        player: seat.playerId,
        match: this.roomId,
        error: describeError(error),
      });
    }
  }

  override onDispose(): void {
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
    const verdict = this.guard.check(seat.stream, bytes, performance.now());
    if (verdict.kind === 'accept') {
      const input: PlayerInputMessage = {
        type: 'PlayerInput',
        body: new Game.PlayerInputT(seat.playerId, verdict.input),
      };
      this.deps.system.tell(this.match, input);
      return;
    }
    this.enforce(client, seat, verdict);
  }

  private enforce(client: Client, seat: Seat, verdict: ReturnType<InputGuard['check']>): void {
    if (verdict.kind !== 'refuse') return;
    if (verdict.cutOff) {
      this.cutOff(seat, verdict.message);
      client.leave(ClientCloseCode.Misbehaving, verdict.message);
      return;
    }
    if (verdict.report) client.error(verdict.code, verdict.message);
  }

  private cutOff(seat: Seat, why: string): void {
    seat.cutOff = true;
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
    if (this.seats.size === 0 || this.rejoining || performance.now() - this.lastSnapshotAt < this.stallMs) return;
    this.rejoining = true;
    this.deps.logger.warn('no snapshot from the match; joining its players again', { match: this.roomId });
    Promise.allSettled(
      [...this.seats.values()].map((seat) => this.ask({ type: 'RoomJoin', playerId: seat.playerId, name: null })),
    ).then(() => {
      this.rejoining = false;
      this.lastSnapshotAt = performance.now();
    });
  }

  private broadcastSnapshot(snapshot: Game.SnapshotT | Uint8Array): void {
    this.lastSnapshotAt = performance.now();
    try {
      const bytes =
        snapshot instanceof Uint8Array ? snapshot : snapshotObjects.encode({ type: 'Snapshot', body: snapshot });
      this.broadcastBytes(ClientMessage.Snapshot, bytes, {});
    } catch (error) {
      this.deps.logger.error('snapshot not sent', { match: this.roomId, error: describeError(error) });
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

// The SDK's entry point: guest tokens over HTTP, matches over Colyseus.
import { ColyseusSDK, ErrorCode, type Room } from '@colyseus/sdk';
import { type GameMode, MATCH_ROOM } from '@packetflow/protocol';
import { type GatewayEndpoint, parseEndpoint } from './endpoint.js';
import { type ConnectionSettings, MatchConnection, type Rejoiner } from './match-connection.js';
import { PacketFlowError, SdkErrorCode } from './packetflow-error.js';

/** A token from `POST /auth/guest`. */
export interface GuestToken {
  readonly token: string;
  readonly playerId: string;
  /** Expiry, milliseconds since the Unix epoch. */
  readonly expiresAt: number;
}

/** Options of a join: what the gateway is told, and how the connection behaves. */
export interface JoinOptions extends ConnectionSettings {
  /** The display name other players see. */
  readonly name?: string;
  /**
   * The game mode to play (`GAME_MODES`: `touch`, the default, or `king`). Matchmaking puts only players of one mode
   * together; a gateway refuses a mode it does not know (521).
   */
  readonly mode?: GameMode;
}

export interface PacketFlowClientOptions {
  /** The fetch to use for HTTP routes; `globalThis.fetch` unless set. */
  readonly fetch?: typeof globalThis.fetch;
}

/** What a join asks the gateway's `match` room for. */
interface RoomOptions {
  name?: string;
  mode?: GameMode;
  matchId?: string;
  continueInputs?: boolean;
}

/**
 * A Colyseus client that hands its room over as the room is created, before it connects: the gateway's `Joined`
 * can arrive in the same network read as the join itself, ahead of any code after the await.
 */
class AttachingClient extends ColyseusSDK {
  constructor(
    endpoint: string,
    private readonly attach: (room: Room) => void,
  ) {
    super(endpoint);
  }

  protected override createRoom(roomName: string): Room {
    const room = super.createRoom(roomName);
    this.attach(room);
    return room;
  }
}

function isGuestToken(value: unknown): value is GuestToken {
  const v = value as Partial<GuestToken> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.token === 'string' &&
    typeof v.playerId === 'string' &&
    typeof v.expiresAt === 'number'
  );
}

/**
 * Talks to one PacketFlow gateway. Get a token (`guest()`, or set `token` to one obtained elsewhere), then join a
 * match; each join resolves with a MatchConnection once the gateway has confirmed it.
 *
 * @example
 * ```ts
 * const client = new PacketFlowClient('ws://localhost:2567');
 * await client.guest();
 * const match = await client.joinOrCreate({ name: 'Ada' });
 * ```
 */
export class PacketFlowClient {
  /** The gateway's address in both forms. */
  readonly endpoint: GatewayEndpoint;
  /** The token joins present; set by `guest()`, or by the game for a token obtained elsewhere. */
  token: string | undefined;
  private readonly fetch: typeof globalThis.fetch;

  /** @param endpoint The gateway's base address, `http(s)://…` or `ws(s)://…`. */
  constructor(endpoint: string, options: PacketFlowClientOptions = {}) {
    this.endpoint = parseEndpoint(endpoint);
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Asks the gateway for a guest token and keeps it for joins. Rejects with a PacketFlowError on refusal. */
  async guest(): Promise<GuestToken> {
    const response = await this.fetch(`${this.endpoint.http}/auth/guest`, { method: 'POST' });
    if (!response.ok) {
      throw new PacketFlowError(response.status, `guest token refused: ${response.status} ${await response.text()}`);
    }
    const body: unknown = await response.json();
    if (!isGuestToken(body)) {
      throw new PacketFlowError(
        SdkErrorCode.UnreadableMessage,
        'guest token response lacks token, playerId or expiresAt',
      );
    }
    this.token = body.token;
    return { token: body.token, playerId: body.playerId, expiresAt: body.expiresAt };
  }

  /** Joins a match with room for one more player, or creates one. */
  joinOrCreate(options: JoinOptions = {}): Promise<MatchConnection> {
    return this.open((client, roomOptions) => client.joinOrCreate(MATCH_ROOM, roomOptions), options);
  }

  /** Creates a new match and joins it. */
  create(options: JoinOptions = {}): Promise<MatchConnection> {
    return this.open((client, roomOptions) => client.create(MATCH_ROOM, roomOptions), options);
  }

  /**
   * Joins the match with this id (`MatchConnection.matchId` of a player already in it). When the match has no room
   * (its gateway restarted) but still holds this player's seat, the gateway brings its room back; a match that is
   * over is refused with 522.
   */
  async join(matchId: string, options: JoinOptions = {}): Promise<MatchConnection> {
    try {
      return await this.open((client, roomOptions) => client.joinById(matchId, roomOptions), options);
    } catch (error) {
      if (!(error instanceof PacketFlowError && error.code === ErrorCode.MATCHMAKE_INVALID_ROOM_ID)) throw error;
      return this.open((client, roomOptions) => client.create(MATCH_ROOM, { ...roomOptions, matchId }), options);
    }
  }

  /** One join: a Colyseus client of its own, so that concurrent joins do not mix up whose room is being made. */
  private async open(
    join: (client: ColyseusSDK, roomOptions: RoomOptions) => Promise<Room>,
    options: JoinOptions,
  ): Promise<MatchConnection> {
    const { name, mode, ...settings } = options;
    const roomOptions: RoomOptions = {
      ...(name === undefined ? {} : { name }),
      ...(mode === undefined ? {} : { mode }),
    };
    const token = this.token;
    // The same token and name, and the inputs numbered on: the player is back where they were.
    const rejoiner: Rejoiner = (matchId, attach) =>
      this.connect(new AttachingClient(this.endpoint.ws, attach), token, (client) =>
        client.create(MATCH_ROOM, { ...roomOptions, matchId, continueInputs: true }),
      );
    let connection: MatchConnection | undefined;
    await this.connect(
      new AttachingClient(this.endpoint.ws, (room) => {
        connection = new MatchConnection(room, settings, rejoiner);
      }),
      token,
      (client) => join(client, roomOptions),
    );
    return connection!.joined;
  }

  /**
   * Runs a Colyseus join. A refusal (525 `AUTH_FAILED` for a bad token, 522 for a match id with no room, …)
   * becomes a PacketFlowError with the same code; errors without a code (the network) pass through unchanged.
   */
  private async connect(
    client: AttachingClient,
    token: string | undefined,
    join: (client: ColyseusSDK) => Promise<Room>,
  ): Promise<void> {
    if (token !== undefined) client.auth.token = token;
    try {
      await join(client);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code !== 'number') throw error;
      throw new PacketFlowError(code, (error as Error).message, { cause: error });
    }
  }
}

// Bot players on the PacketFlow SDK, and one hostile client on the bare Colyseus SDK that breaks the rules on
// purpose: what the end-to-end tests drive the backend with.
import { Client as ColyseusClient, type Room } from '@colyseus/sdk';
import { type GameMode, type MatchConnection, type MatchSnapshot, PacketFlowClient } from '@packetflow/client';
import { ClientMessage, createProtocolRegistry, Game, MATCH_ROOM } from '@packetflow/protocol';

export function until(condition: () => boolean, what: string | (() => string), timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (condition()) resolve();
      else if (Date.now() > deadline) {
        reject(new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`));
      } else setTimeout(poll, 5);
    };
    poll();
  });
}

/** A player on the SDK that records every snapshot it receives. */
export class Bot {
  readonly snapshots: MatchSnapshot[] = [];
  readonly errors: { code: number; message: string }[] = [];
  leftWith: number | undefined;
  reconnects = 0;
  /** The nodes the SDK said the match moved to (`onHost`), in order. */
  readonly moves: string[] = [];

  private constructor(
    readonly client: PacketFlowClient,
    readonly match: MatchConnection,
  ) {
    match.onSnapshot((snapshot) => this.snapshots.push(snapshot));
    match.onError((code, message) => this.errors.push({ code, message }));
    match.onReconnect(() => this.reconnects++);
    match.onHost((nodeId) => this.moves.push(nodeId));
    match.onLeave((code) => {
      this.leftWith = code;
    });
  }

  /** A guest that joins (or creates) a match through the gateway at `url`, or the match `matchId` there. */
  static async join(
    url: string,
    options: { matchId?: string; create?: boolean; mode?: GameMode; name?: string } = {},
  ): Promise<Bot> {
    const client = new PacketFlowClient(url);
    await client.guest();
    const settings = {
      reconnection: { minUptimeMs: 0, minDelayMs: 50, initialDelayMs: 50 },
      ...(options.mode === undefined ? {} : { mode: options.mode }),
      ...(options.name === undefined ? {} : { name: options.name }),
    };
    const match =
      options.matchId !== undefined
        ? await client.join(options.matchId, settings)
        : options.create
          ? await client.create(settings)
          : await client.joinOrCreate(settings);
    return new Bot(client, match);
  }

  position(snapshot = this.snapshots.at(-1)) {
    return snapshot?.entities.find((e) => e.entity === this.match.entity)?.position;
  }

  async nextSnapshot(): Promise<MatchSnapshot> {
    const seen = this.snapshots.length;
    await until(() => this.snapshots.length > seen, 'a snapshot');
    return this.snapshots.at(-1)!;
  }

  /** Sends `count` inputs in one direction, one per snapshot, and waits until the last is acknowledged. */
  async drive(x: number, y: number, count: number): Promise<number> {
    let last = 0;
    for (let i = 0; i < count; i++) {
      last = this.match.sendInput({ move: { x, y } });
      await this.nextSnapshot();
    }
    await until(() => this.match.ackedSequence >= last, `input ${last} acknowledged`);
    return last;
  }
}

/** Server ticks missing between the snapshots a bot received since `from`. */
export function missedTicks(bot: Bot, from: number): number[] {
  const ticks = bot.snapshots.slice(from).map((s) => s.serverTick);
  const missed: number[] = [];
  for (let i = 1; i < ticks.length; i++) {
    for (let t = ticks[i - 1]! + 1; t < ticks[i]!; t++) missed.push(t);
  }
  return missed;
}

const registry = createProtocolRegistry();

/** A client on the bare Colyseus SDK with a genuine token that sends what no well-behaved client would. */
export class HostileClient {
  readonly errors: number[] = [];
  leftWith: number | undefined;
  /** Its body in the match, from the gateway's `joined`. */
  entity: number | undefined;

  private constructor(
    private readonly client: ColyseusClient,
    readonly room: Room,
  ) {
    room.reconnection.enabled = false;
    room.onError((code) => this.errors.push(code));
    room.onLeave((code) => {
      this.leftWith = code;
    });
    room.onMessage(ClientMessage.Joined, (bytes: Uint8Array) => {
      const decoded = registry.decode('JoinAccepted', bytes);
      if (decoded.ok) this.entity = (decoded.value.body as Game.JoinAcceptedT).entity;
    });
    room.onMessage('*', () => {});
  }

  static async join(url: string, matchId: string): Promise<HostileClient> {
    const response = await fetch(`${url}/auth/guest`, { method: 'POST' });
    const { token } = (await response.json()) as { token: string };
    const client = new ColyseusClient(url.replace(/^http/, 'ws'));
    client.auth.token = token;
    return new HostileClient(client, await client.joinById(matchId));
  }

  /** Asks for its seat back with its reconnection token, as the SDK does after a drop. */
  reconnect(): Promise<Room> {
    return this.client.reconnect(this.room.reconnectionToken);
  }

  /** Keeps calling `send` until the gateway closes the connection. */
  async sendUntilClosed(send: (round: number) => void, what: string, timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (let round = 0; this.leftWith === undefined; round++) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      send(round);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.leftWith;
  }

  /** Colyseus byte messages of the input type. */
  sendInputBytes(bytes: Uint8Array): void {
    this.room.sendBytes(ClientMessage.Input, bytes);
  }

  /** A well-formed input: a flood is made of these. */
  input(sequence: number): void {
    this.sendInputBytes(
      registry.encode({ type: 'ClientInput', body: new Game.ClientInputT(sequence, 0, new Game.Vec2T(1, 0), null, 0) }),
    );
  }

  /** Bytes straight onto the WebSocket, under the Colyseus framing. */
  raw(bytes: Uint8Array): void {
    (this.room.connection as unknown as { transport: { send(data: Uint8Array): void } }).transport.send(bytes);
  }
}

export { MATCH_ROOM };

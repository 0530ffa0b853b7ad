// A test client on the plain Colyseus SDK that speaks the client contract by hand (FlatBuffers built here), so the
// gateway's tests do not lean on PacketFlow's own SDK.
import { Client, type Room } from '@colyseus/sdk';
import { WebSocketTransport } from '@colyseus/sdk/transport/WebSocketTransport';
import { ClientMessage, createProtocolRegistry, Game, MATCH_ROOM } from '@packetflow/protocol';
import { WebSocket } from 'ws';

const registry = createProtocolRegistry();

/**
 * The SDK's WebSocket transport, on the `ws` package whatever the Node. The SDK takes Node's own WebSocket where
 * there is one (Node 22 and later) and `ws` only where there is none (Node 20); Node's own can neither drop a
 * connection without a close frame nor send bytes as a text frame, which a bot must do to play a lost network and
 * a client sending text that is not UTF-8. Everything but the connecting is the SDK's own.
 */
class WsTransport extends WebSocketTransport {
  declare ws: WebSocket;

  override connect(url: string, headers?: Record<string, string>): void {
    // What the SDK does on Node 20, where `ws` is the WebSocket it finds.
    this.ws = new WebSocket(url, this.protocols, { headers });
    this.ws.binaryType = 'arraybuffer';
    this.ws.onopen = (event) => this.events.onopen?.(event);
    this.ws.onmessage = (event) => this.events.onmessage?.(event);
    this.ws.onclose = (event) => this.events.onclose?.(event);
    this.ws.onerror = (event) => this.events.onerror?.(event);
  }
}

/**
 * A Colyseus client whose rooms connect with `WsTransport`. A room makes its connection when it joins
 * (`room.connection = new Connection(...)`, which connects at once) and keeps it for its reconnections, so the
 * transport is swapped in as the connection is set, before it connects.
 */
class WsClient extends Client {
  protected override createRoom<T>(roomName: string, rootSchema?: new () => T): Room<unknown, T> {
    const room = super.createRoom<T>(roomName, rootSchema);
    let connection: Room['connection'] | undefined;
    Object.defineProperty(room, 'connection', {
      configurable: true,
      enumerable: true,
      get: () => connection,
      set: (made: Room['connection']) => {
        made.transport = new WsTransport(made.events);
        connection = made;
      },
    });
    return room;
  }
}

export async function guestToken(url: string): Promise<{ token: string; playerId: string; expiresAt: number }> {
  const response = await fetch(`${url}/auth/guest`, { method: 'POST' });
  if (response.status !== 200) throw new Error(`POST /auth/guest answered ${response.status}`);
  return (await response.json()) as { token: string; playerId: string; expiresAt: number };
}

export function inputBytes(sequence: number, x: number, y: number): Uint8Array {
  return registry.encode({
    type: 'ClientInput',
    body: new Game.ClientInputT(sequence, 0, new Game.Vec2T(x, y), null, 0),
  });
}

export function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

/** Polls an async reading until it satisfies `done`; resolves with the last reading. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export class RawBot {
  joined: Game.JoinAcceptedT | undefined;
  joinedCount = 0;
  /** The `host` and `joined` messages received, in order: `host <node id>` or `joined`. */
  readonly arrivals: string[] = [];
  readonly snapshots: Game.SnapshotT[] = [];
  /** Bytes of the snapshot bodies received. */
  snapshotBytes = 0;
  readonly errors: { code: number; message: string | undefined }[] = [];
  leftWith: number | undefined;
  reconnects = 0;
  /** The last sequence number sent; a test may move it on to send a jump. */
  sequence = 0;

  private constructor(readonly room: Room) {
    room.onMessage(ClientMessage.Joined, (bytes: Uint8Array) => {
      const decoded = registry.decode('JoinAccepted', bytes);
      if (!decoded.ok) throw decoded.error;
      this.joined = decoded.value.body as Game.JoinAcceptedT;
      this.joinedCount++;
      this.arrivals.push('joined');
    });
    room.onMessage(ClientMessage.Host, (bytes: Uint8Array) => {
      const decoded = registry.decode('MatchHost', bytes);
      if (!decoded.ok) throw decoded.error;
      this.arrivals.push(`host ${(decoded.value.body as Game.MatchHostT).nodeId}`);
    });
    room.onMessage(ClientMessage.Snapshot, (bytes: Uint8Array) => {
      this.snapshotBytes += bytes.byteLength;
      const decoded = registry.decode('Snapshot', bytes);
      if (!decoded.ok) throw decoded.error;
      this.snapshots.push(decoded.value.body as Game.SnapshotT);
    });
    room.onError((code, message) => this.errors.push({ code, message }));
    room.onLeave((code) => {
      this.leftWith = code;
    });
    room.onReconnect(() => this.reconnects++);
  }

  /**
   * Joins by joinOrCreate, by id (`roomId`), or by `create` with `restore`'s options: the match whose room the
   * gateway should bring back, and whether the client numbers its inputs on.
   */
  static async join(
    url: string,
    options: {
      token?: string;
      roomId?: string;
      name?: string;
      /** The `mode` join option, sent as it is (any value, for tests of bad ones). */
      mode?: unknown;
      restore?: { matchId: string; continueInputs?: boolean };
    } = {},
  ): Promise<RawBot> {
    const client = new WsClient(url.replace(/^http/, 'ws'));
    if (options.token !== undefined) client.auth.token = options.token;
    const joinOptions = {
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.mode === undefined ? {} : { mode: options.mode }),
    };
    const room =
      options.restore !== undefined
        ? await client.create(MATCH_ROOM, { ...joinOptions, ...options.restore })
        : options.roomId === undefined
          ? await client.joinOrCreate(MATCH_ROOM, joinOptions)
          : await client.joinById(options.roomId, joinOptions);
    const bot = new RawBot(room);
    await until(() => bot.joined !== undefined, 'JoinAccepted');
    return bot;
  }

  get entity(): number {
    return this.joined!.entity;
  }

  input(x: number, y: number): number {
    this.sequence++;
    this.room.sendBytes(ClientMessage.Input, inputBytes(this.sequence, x, y));
    return this.sequence;
  }

  /** The bot's WebSocket now (a reconnection makes a new one). */
  private get socket(): WebSocket {
    const { transport } = this.room.connection;
    if (!(transport instanceof WsTransport)) throw new Error('the bot is not connected through WsTransport');
    return transport.ws;
  }

  /** Sends bytes straight onto the WebSocket, below the Colyseus framing. */
  raw(bytes: Uint8Array): void {
    this.socket.send(bytes, { binary: true });
  }

  /** Sends bytes straight onto the WebSocket as a text frame, which a Colyseus client never sends. */
  rawText(bytes: Uint8Array): void {
    this.socket.send(bytes, { binary: false });
  }

  /** Drops the connection without a close handshake, as a lost network does: the socket is destroyed. */
  drop(): void {
    this.socket.terminate();
  }

  ackedSequence(snapshot = this.snapshots.at(-1)): number {
    return snapshot?.acks.find((ack) => ack.entity === this.entity)?.sequence ?? 0;
  }

  position(snapshot = this.snapshots.at(-1)): Game.Vec3T | undefined {
    return snapshot?.entities.find((e) => e.entity === this.entity)?.position ?? undefined;
  }

  async nextSnapshot(): Promise<Game.SnapshotT> {
    const seen = this.snapshots.length;
    await until(() => this.snapshots.length > seen, 'a snapshot');
    return this.snapshots.at(-1)!;
  }

  async leave(): Promise<void> {
    if (this.leftWith === undefined) await this.room.leave(true);
  }
}

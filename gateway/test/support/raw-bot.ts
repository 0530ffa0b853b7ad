// A test client on the plain Colyseus SDK that speaks the client contract by hand (FlatBuffers built here), so the
// gateway's tests do not lean on PacketFlow's own SDK.
import { Client, type Room } from '@colyseus/sdk';
import { ClientMessage, createProtocolRegistry, Game, MATCH_ROOM } from '@packetflow/protocol';

const registry = createProtocolRegistry();

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
      restore?: { matchId: string; continueInputs?: boolean };
    } = {},
  ): Promise<RawBot> {
    const client = new Client(url.replace(/^http/, 'ws'));
    if (options.token !== undefined) client.auth.token = options.token;
    const joinOptions = options.name === undefined ? {} : { name: options.name };
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

  /** Sends bytes straight onto the WebSocket, below the Colyseus framing. */
  raw(bytes: Uint8Array): void {
    (this.room.connection as unknown as { transport: { send(data: Uint8Array): void } }).transport.send(bytes);
  }

  /** Sends bytes straight onto the WebSocket as a text frame, which a Colyseus client never sends. */
  rawText(bytes: Uint8Array): void {
    const { transport } = this.room.connection as unknown as {
      transport: { ws: { send(data: Uint8Array, options: { binary: boolean }): void } };
    };
    transport.ws.send(bytes, { binary: false });
  }

  /** Drops the connection without a close handshake, as a lost network does. */
  drop(): void {
    (this.room.connection as unknown as { transport: { ws: { terminate(): void } } }).transport.ws.terminate();
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

// A TCP proxy between a client and a server (the SDK and the gateway), for the network faults a test needs:
// connections cut mid-match without a close handshake, new ones refused, and a WebSocket frame of the test's choosing
// slipped in between the server's own.
import { createServer, type Server, Socket } from 'node:net';

/**
 * Follows the gateway → client byte stream of one connection (the HTTP upgrade answer, then unmasked WebSocket
 * frames) to know where one frame ends and the next begins.
 */
class FrameBoundaries {
  /** Known from the first bytes: a `101 Switching Protocols` answer, or plain HTTP (never injected into). */
  websocket: boolean | undefined;
  private headerDone = false;
  private headerTail = '';
  /** Bytes of the current frame still to come; 0 at a boundary. */
  private remaining = 0;
  private pending: number[] = [];

  /** Splits a chunk at frame boundaries: each piece ends at one, except perhaps the last. */
  split(chunk: Buffer): { pieces: Buffer[]; atBoundary: boolean } {
    this.websocket ??= chunk.toString('latin1', 0, 12) === 'HTTP/1.1 101';
    if (!this.websocket) return { pieces: [chunk], atBoundary: false };
    const pieces: Buffer[] = [];
    let start = 0;
    let at = 0;
    if (!this.headerDone) {
      const text = this.headerTail + chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) {
        this.headerTail = text.slice(-3);
        return { pieces: [chunk], atBoundary: false };
      }
      this.headerDone = true;
      at = end + 4 - this.headerTail.length;
      pieces.push(chunk.subarray(0, at));
      start = at;
    }
    while (at < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - at);
        this.remaining -= take;
        at += take;
      } else {
        this.pending.push(chunk[at++]!);
        const length = this.frameLength();
        if (length === undefined) continue;
        this.pending = [];
        this.remaining = length;
      }
      if (this.remaining === 0 && this.pending.length === 0) {
        pieces.push(chunk.subarray(start, at));
        start = at;
      }
    }
    if (start < chunk.length) pieces.push(chunk.subarray(start));
    return { pieces, atBoundary: this.remaining === 0 && this.pending.length === 0 };
  }

  /** The payload length once the pending bytes hold a whole frame header. */
  private frameLength(): number | undefined {
    const p = this.pending;
    if (p.length < 2) return undefined;
    const short = p[1]! & 0x7f;
    if (short < 126) return short;
    if (short === 126) return p.length < 4 ? undefined : (p[2]! << 8) | p[3]!;
    if (p.length < 10) return undefined;
    let length = 0;
    for (let i = 2; i < 10; i++) length = length * 256 + p[i]!;
    return length;
  }
}

/** One binary WebSocket frame as a server sends it (unmasked). */
export function binaryFrame(payload: Uint8Array): Buffer {
  const header =
    payload.length < 126
      ? Buffer.from([0x82, payload.length])
      : Buffer.from([0x82, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

interface Link {
  readonly client: Socket;
  readonly upstream: Socket;
  readonly boundaries: FrameBoundaries;
  /** Frames to slip in at the next boundary of the gateway's stream. */
  readonly inject: Buffer[];
}

export class NetworkProxy {
  private readonly links = new Set<Link>();
  private refusing = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /**
   * Relays to `target` on 127.0.0.1: a port, or a function read for every new connection, so the proxy can listen
   * (and its address be handed out) before what it relays to has started.
   */
  static async start(target: number | (() => number)): Promise<NetworkProxy> {
    let proxy: NetworkProxy | undefined;
    const port = typeof target === 'number' ? () => target : target;
    const server = createServer((client) => proxy!.accept(client, port()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy: no port');
    proxy = new NetworkProxy(server, address.port);
    return proxy;
  }

  /** The address to give the SDK. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private accept(client: Socket, targetPort: number): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    const link: Link = { client, upstream, boundaries: new FrameBoundaries(), inject: [] };
    this.links.add(link);
    const drop = (): void => {
      this.links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.connect(targetPort, '127.0.0.1');
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      const { pieces, atBoundary } = link.boundaries.split(chunk);
      for (const [i, piece] of pieces.entries()) {
        client.write(piece);
        const boundary = i < pieces.length - 1 || atBoundary;
        if (boundary && link.inject.length > 0) for (const frame of link.inject.splice(0)) client.write(frame);
      }
    });
  }

  /** Cuts every open connection, as a network failure would: no close frames, just gone. */
  cut(): void {
    for (const link of this.links) {
      link.client.destroy();
      link.upstream.destroy();
    }
    this.links.clear();
  }

  /** While on, new connections are closed as soon as they are accepted. */
  refuse(on: boolean): void {
    this.refusing = on;
  }

  /** Queues a frame for every open WebSocket, sent at the next frame boundary of the gateway's stream. */
  injectToClients(frame: Buffer): number {
    let queued = 0;
    for (const link of this.links) {
      if (link.boundaries.websocket !== true) continue;
      link.inject.push(frame);
      queued++;
    }
    return queued;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

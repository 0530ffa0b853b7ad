import { connect, type Socket } from 'node:net';
import { FrameReader, type Packet } from '@packetflow/protocol';
import type { MemberInfo } from '../membership/membership.js';
import {
  handshakePacket,
  isFailure,
  newNonce,
  type PeerHandshake,
  proofHolds,
  proofOf,
  readHandshake,
  refusalPacket,
  type Transcript,
} from './handshake.js';
import {
  HANDSHAKE_MAX_FRAME_BYTES,
  type PeerTraffic,
  REFUSAL_LINGER_MS,
  type TransportContext,
} from './transport-context.js';

/** Most packets, and roughly most bytes, put in one frame; a flush writes as many frames as the queue needs. */
const PACKETS_PER_FRAME = 4096;
const PACKET_OVERHEAD_BYTES = 96;

export interface OutboundLinkEvents {
  onOpen(link: OutboundLink): void;
  /**
   * The link is down for good: it could not connect, its connection dropped, or it was closed. `unsent` never
   * reached the socket. `refused`: one side refused the handshake (the reason says which and why).
   */
  onDown(link: OutboundLink, reason: string, unsent: Packet[], how: { wasOpen: boolean; refused: boolean }): void;
}

/**
 * A connection this node dialed to one peer, used only to send. Sends queue up and are flushed as one frame per
 * turn of the event loop (setImmediate: once every callback of this turn's I/O has run), so a burst of sends costs
 * one write. Not process.nextTick: that flushes after each callback, and a gateway whose socket library calls back
 * once per client message then wrote once per player input (writes took 58 % of its busy time at 240 clients,
 * against a few ask microseconds saved). The queue is bounded: past `maxQueuedPackets` a send is
 * refused (the caller fails the ask or counts the dropped tell), and while the socket holds more than
 * `highWaterBytes` nothing more is written until it drains, so a slow peer cannot grow this node's memory.
 */
export class OutboundLink {
  state: 'connecting' | 'open' | 'down' = 'connecting';
  readonly stats = { packets: 0, frames: 0, refused: 0 };
  private queue: Packet[] = [];
  private flushScheduled = false;
  private blocked = false;
  private readonly socket: Socket;
  private readonly traffic: PeerTraffic;
  private readonly flushNow = () => this.flush();

  constructor(
    readonly peer: MemberInfo,
    private readonly ctx: TransportContext,
    private readonly events: OutboundLinkEvents,
  ) {
    this.traffic = ctx.trafficOf(peer.id);
    const [host, port] = splitAddress(peer.address);
    this.socket = connect({ host, port, noDelay: true });
    this.socket.setKeepAlive(true, 1000);
    this.handshake();
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Queues a packet; false when the link is down or its queue is full. */
  send(packet: Packet): boolean {
    if (this.state === 'down' || this.queue.length >= this.ctx.maxQueuedPackets) {
      this.stats.refused++;
      return false;
    }
    this.queue.push(packet);
    if (this.state === 'open' && !this.flushScheduled && !this.blocked) {
      this.flushScheduled = true;
      setImmediate(this.flushNow);
    }
    return true;
  }

  /** Resolves once everything queued has been handed to the kernel (or the link went down). */
  async drained(): Promise<void> {
    while (this.state !== 'down' && (this.queue.length > 0 || this.socket.writableLength > 0)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  close(reason: string): void {
    this.down(reason, false);
  }

  private handshake(): void {
    const { ctx, peer, socket } = this;
    const nonce = newNonce();
    let acceptorHello: PeerHandshake | undefined;
    const timer = setTimeout(() => this.refuse('handshake timed out'), ctx.handshakeTimeoutMs);
    let reader = new FrameReader(HANDSHAKE_MAX_FRAME_BYTES);
    socket.on('data', (chunk: Buffer) => {
      const error = reader.push(chunk, (payload) => {
        if (this.state === 'down') return;
        const decoded = ctx.codec.decodePayload(payload);
        const hello = decoded.ok
          ? readHandshake(ctx.registry, decoded.value)
          : { reason: `malformed frame: ${decoded.error.message}`, byPeer: false };
        if (this.state === 'open') {
          // The acceptor sends nothing after frame 3 but the reason it drops this link.
          this.down(isFailure(hello) && hello.byPeer ? hello.reason : 'peer sent data on a send-only link', true);
          return;
        }
        if (isFailure(hello)) {
          if (hello.byPeer) this.down(hello.reason, true);
          else this.refuse(hello.reason);
          return;
        }
        if (hello.nodeId !== peer.id) {
          this.refuse(`expected node ${peer.id} at ${peer.address}, found ${hello.nodeId}`);
          return;
        }
        if (acceptorHello === undefined) {
          acceptorHello = hello;
          const proof = proofOf(ctx.secret, 'dialer', this.transcript(acceptorHello, nonce));
          socket.write(ctx.codec.encodeFrame([handshakePacket(ctx.registry, ctx.self, nonce, proof)]));
          return;
        }
        if (Buffer.compare(hello.nonce, acceptorHello.nonce) !== 0) {
          this.refuse('the nonce of frame 3 is not the one of frame 1');
          return;
        }
        if (!proofHolds(ctx.secret, 'acceptor', this.transcript(acceptorHello, nonce), hello.proof)) {
          this.refuse('peer could not prove the cluster secret');
          return;
        }
        clearTimeout(timer);
        reader = new FrameReader(HANDSHAKE_MAX_FRAME_BYTES);
        this.state = 'open';
        this.events.onOpen(this);
        this.flush();
      });
      if (error) this.down(`unreadable stream: ${error.message}`, false);
    });
    socket.on('drain', () => {
      this.blocked = false;
      this.flush();
    });
    socket.on('error', (error) => this.down(error.message, false));
    socket.on('close', () => {
      clearTimeout(timer);
      this.down('connection closed', false);
    });
  }

  private transcript(acceptor: PeerHandshake, dialerNonce: Uint8Array): Transcript {
    return { acceptorId: acceptor.nodeId, acceptorNonce: acceptor.nonce, dialerId: this.ctx.self.nodeId, dialerNonce };
  }

  /** Tells the acceptor why this node refuses its handshake, so that its log says so too, then goes down. */
  private refuse(reason: string): void {
    if (this.state !== 'connecting') return;
    const frame = this.ctx.codec.encodeFrame([refusalPacket(this.ctx.registry, reason)]);
    this.socket.write(frame);
    this.down(reason, true);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.state !== 'open') return;
    const { socket, ctx } = this;
    const byteBudget = ctx.maxFrameBytes >> 1;
    while (this.queue.length > 0) {
      if (socket.writableLength > ctx.highWaterBytes) {
        this.blocked = true;
        return;
      }
      let count = 0;
      let bytes = 0;
      const limit = Math.min(this.queue.length, PACKETS_PER_FRAME);
      while (count < limit && (count === 0 || bytes + this.queue[count]!.body.length < byteBudget)) {
        bytes += this.queue[count]!.body.length + PACKET_OVERHEAD_BYTES;
        count++;
      }
      const batch = count === this.queue.length ? this.queue : this.queue.slice(0, count);
      this.queue = count === this.queue.length ? [] : this.queue.slice(count);
      const frame = ctx.codec.encodeFrame(batch);
      socket.write(frame);
      this.traffic.sentFrames++;
      this.traffic.sentBytes += frame.length;
      this.stats.frames++;
      this.stats.packets += batch.length;
    }
  }

  /** `refused`: the handshake was refused by either side, not merely cut short by the network. */
  private down(reason: string, refused: boolean): void {
    if (this.state === 'down') return;
    const wasOpen = this.state === 'open';
    this.state = 'down';
    if (refused) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), REFUSAL_LINGER_MS).unref();
    } else {
      this.socket.destroy();
    }
    const unsent = this.queue;
    this.queue = [];
    this.events.onDown(this, reason, unsent, { wasOpen, refused });
  }
}

export function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`"${address}" is not a host:port address`);
  }
  return [address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port];
}

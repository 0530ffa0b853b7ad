import type { Socket } from 'node:net';
import { FRAME_HEADER_BYTES, FrameReader, type Packet } from '@packetflow/protocol';
import { Silence } from '../cluster/silence.js';
import {
  handshakePacket,
  isFailure,
  newNonce,
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

/**
 * A connection a peer dialed to this node, used only to receive. The peer must prove the cluster secret before any
 * of its frames is read as packets; a frame that fails verification afterwards closes the connection, and no
 * packet of it reaches an actor.
 */
export class InboundLink {
  peerId: string | undefined;
  /** Frames from the authenticated peer are its signs of life; its heartbeats keep coming while it has nothing else. */
  readonly silence = new Silence();
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: TransportContext,
    private readonly deliver: (packets: Packet[], fromNode: string) => void,
    private readonly onClose: (link: InboundLink) => void,
    private readonly onAuthenticated: (peerId: string) => void,
  ) {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 1000);
    const nonce = newNonce();
    const timer = setTimeout(() => this.refuse('handshake timed out'), ctx.handshakeTimeoutMs);
    let reader = new FrameReader(HANDSHAKE_MAX_FRAME_BYTES);
    // Looked up once the peer is known, not once per frame.
    let traffic: PeerTraffic | undefined;
    socket.on('data', (chunk: Buffer) => {
      const error = reader.push(chunk, (payload) => {
        if (this.closed) return;
        if (traffic !== undefined) {
          traffic.receivedFrames++;
          traffic.receivedBytes += payload.length + FRAME_HEADER_BYTES;
        }
        const decoded = ctx.codec.decodePayload(payload);
        if (!decoded.ok) {
          this.refuse(`malformed frame: ${decoded.error.message}`);
          return;
        }
        if (this.peerId !== undefined) {
          const first = decoded.value[0];
          // The dialer's only way to say it refused frame 3 is an Error on the link it would have sent on.
          if (first !== undefined && first.target.kind === '$system' && first.target.id === 'handshake') {
            const refusal = readHandshake(ctx.registry, decoded.value);
            this.drop(isFailure(refusal) ? refusal.reason : 'handshake frame after the handshake');
            return;
          }
          this.silence.heardFrom();
          this.deliver(decoded.value, this.peerId);
          return;
        }
        const hello = readHandshake(ctx.registry, decoded.value);
        if (isFailure(hello)) {
          if (hello.byPeer) this.drop(hello.reason);
          else this.refuse(hello.reason);
          return;
        }
        const transcript: Transcript = {
          acceptorId: ctx.self.nodeId,
          acceptorNonce: nonce,
          dialerId: hello.nodeId,
          dialerNonce: hello.nonce,
        };
        if (!proofHolds(ctx.secret, 'dialer', transcript, hello.proof)) {
          this.refuse(`${hello.nodeId} could not prove the cluster secret`);
          return;
        }
        const refusal = ctx.refusalOf(hello.nodeId);
        if (refusal !== undefined) {
          this.refuse(refusal);
          return;
        }
        clearTimeout(timer);
        this.peerId = hello.nodeId;
        traffic = ctx.trafficOf(hello.nodeId);
        socket.write(
          ctx.codec.encodeFrame([
            handshakePacket(ctx.registry, ctx.self, nonce, proofOf(ctx.secret, 'acceptor', transcript)),
          ]),
        );
        reader = new FrameReader(ctx.maxFrameBytes);
        this.onAuthenticated(hello.nodeId);
      });
      if (error) this.refuse(`unreadable stream: ${error.message}`);
    });
    socket.on('error', () => this.drop('connection error'));
    socket.on('close', () => {
      clearTimeout(timer);
      this.close();
    });
    socket.write(ctx.codec.encodeFrame([handshakePacket(ctx.registry, ctx.self, nonce, undefined)]));
  }

  /**
   * Tells the peer why its handshake or stream is refused, so that its own log says so too, then drops it. The
   * socket is ended rather than destroyed so the refusal reaches the peer, and destroyed later if it never reads.
   */
  private refuse(reason: string): void {
    if (this.closed) return;
    this.logDrop(reason);
    this.closed = true;
    this.socket.end(this.ctx.codec.encodeFrame([refusalPacket(this.ctx.registry, reason)]));
    setTimeout(() => this.socket.destroy(), REFUSAL_LINGER_MS).unref();
    this.onClose(this);
  }

  /** Closes with a log line saying why: the peer misbehaved or refused this node. */
  drop(reason: string): void {
    if (this.closed) return;
    this.logDrop(reason);
    this.close();
  }

  private logDrop(reason: string): void {
    const who = this.peerId ?? `unauthenticated peer ${this.socket.remoteAddress}:${this.socket.remotePort}`;
    this.ctx.logger.warn(`dropped connection from ${who}: ${reason}`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.onClose(this);
  }
}

import type { Socket } from 'node:net';
import { FrameReader, type Packet } from '@packetflow/protocol';
import { handshakePacket, newNonce, proofHolds, proofOf, readHandshake } from './handshake.js';
import { HANDSHAKE_MAX_FRAME_BYTES, type TransportContext } from './transport-context.js';

/**
 * A connection a peer dialed to this node, used only to receive. The peer must prove the cluster secret before any
 * of its frames is read as packets; a frame that fails verification afterwards closes the connection, and no
 * packet of it reaches an actor.
 */
export class InboundLink {
  peerId: string | undefined;
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
    const timer = setTimeout(() => this.drop('handshake timed out'), ctx.handshakeTimeoutMs);
    let reader = new FrameReader(HANDSHAKE_MAX_FRAME_BYTES);
    socket.on('data', (chunk: Buffer) => {
      const error = reader.push(chunk, (payload) => {
        if (this.closed) return;
        const decoded = ctx.codec.decodePayload(payload);
        if (!decoded.ok) {
          this.drop(`malformed frame: ${decoded.error.message}`);
          return;
        }
        if (this.peerId !== undefined) {
          this.deliver(decoded.value, this.peerId);
          return;
        }
        const hello = readHandshake(ctx.registry, decoded.value);
        if (typeof hello === 'string') {
          this.drop(hello);
          return;
        }
        if (!proofHolds(ctx.secret, nonce, hello.nodeId, hello.proof)) {
          this.drop(`${hello.nodeId} could not prove the cluster secret`);
          return;
        }
        clearTimeout(timer);
        this.peerId = hello.nodeId;
        socket.write(
          ctx.codec.encodeFrame([
            handshakePacket(ctx.registry, ctx.self, nonce, proofOf(ctx.secret, hello.nonce, ctx.self.nodeId)),
          ]),
        );
        reader = new FrameReader(ctx.maxFrameBytes);
        this.onAuthenticated(hello.nodeId);
      });
      if (error) this.drop(`unreadable stream: ${error.message}`);
    });
    socket.on('error', () => this.drop('connection error'));
    socket.on('close', () => {
      clearTimeout(timer);
      this.close();
    });
    socket.write(ctx.codec.encodeFrame([handshakePacket(ctx.registry, ctx.self, nonce, undefined)]));
  }

  /** Closes with a log line saying why: the peer misbehaved. */
  drop(reason: string): void {
    if (this.closed) return;
    const who = this.peerId ?? `unauthenticated peer ${this.socket.remoteAddress}:${this.socket.remotePort}`;
    this.ctx.logger.warn(`dropped connection from ${who}: ${reason}`);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.onClose(this);
  }
}

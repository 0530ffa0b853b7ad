import type { BatchCodec, MessageRegistry } from '@packetflow/protocol';
import type { Logger } from '../behavior.js';
import type { NodeIdentity } from './handshake.js';

/** What every link of one node shares. */
export interface TransportContext {
  readonly self: NodeIdentity;
  readonly secret: Uint8Array;
  readonly registry: MessageRegistry;
  readonly codec: BatchCodec;
  readonly logger: Logger;
  /** Packets an outbound link holds while the socket is slower than the sender; past it, sends are refused. */
  readonly maxQueuedPackets: number;
  /** Bytes buffered in a socket above which a link stops writing until it drains. */
  readonly highWaterBytes: number;
  readonly handshakeTimeoutMs: number;
  readonly maxFrameBytes: number;
  /**
   * Asked once a dialing peer has proved the secret: why this node will not take a link from `peerId` (its own id,
   * an id membership does not list, an id already connected), or undefined to take it.
   */
  readonly refusalOf: (peerId: string) => string | undefined;
  /** The counts of what went over the links with `peerId`, which outlive each link so that they only grow. */
  readonly trafficOf: (peerId: string) => PeerTraffic;
}

/** Frames and bytes (length prefixes included, handshakes not) over the links with one peer. */
export interface PeerTraffic {
  sentFrames: number;
  sentBytes: number;
  receivedFrames: number;
  receivedBytes: number;
}

/** Handshake frames are small; a peer may not make a node buffer more than this before it has proved itself. */
export const HANDSHAKE_MAX_FRAME_BYTES = 4096;

/** How long the other side of a refused handshake has to read why before the socket is destroyed. */
export const REFUSAL_LINGER_MS = 1000;

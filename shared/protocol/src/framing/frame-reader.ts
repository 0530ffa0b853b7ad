import { FRAME_HEADER_BYTES, readFrameLength } from '../codec/batch-codec.js';
import { defaultLimits } from '../codec/limits.js';
import { malformed, type ProtocolError, tooLarge } from '../codec/protocol-error.js';

/**
 * Cuts a byte stream (a TCP socket) into frame payloads. A length prefix above the limit is reported before any
 * of its bytes are buffered, so a peer cannot make the reader grow without bound; after an error the reader stays
 * failed and the connection should be closed.
 */
export class FrameReader {
  private pending: Uint8Array | undefined;
  private failed: ProtocolError | undefined;

  constructor(private readonly maxFrameBytes = defaultLimits.maxFrameBytes) {}

  /**
   * Feeds bytes in and calls `onFrame` with every complete payload, in order. Payloads may be views into `chunk`
   * and are valid only during the call. Returns the error that made the stream unusable, if any.
   */
  push(chunk: Uint8Array, onFrame: (payload: Uint8Array) => void): ProtocolError | undefined {
    if (this.failed) return this.failed;
    let bytes = chunk;
    if (this.pending) {
      bytes = new Uint8Array(this.pending.length + chunk.length);
      bytes.set(this.pending);
      bytes.set(chunk, this.pending.length);
      this.pending = undefined;
    }
    let at = 0;
    while (bytes.length - at >= FRAME_HEADER_BYTES) {
      const length = readFrameLength(bytes, at);
      if (length > this.maxFrameBytes) {
        this.failed = tooLarge(`frame of ${length} bytes announced, more than ${this.maxFrameBytes}`);
        return this.failed;
      }
      if (length < 8) {
        this.failed = malformed(`frame of ${length} bytes announced, too short for a batch`);
        return this.failed;
      }
      if (bytes.length - at - FRAME_HEADER_BYTES < length) break;
      const start = at + FRAME_HEADER_BYTES;
      at = start + length;
      onFrame(bytes.subarray(start, at));
    }
    if (at < bytes.length) this.pending = bytes.slice(at);
    return undefined;
  }

  /** Bytes held for a frame that has not fully arrived. */
  get bufferedBytes(): number {
    return this.pending?.length ?? 0;
  }
}

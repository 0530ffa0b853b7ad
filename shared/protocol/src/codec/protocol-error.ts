import { ErrorCode } from '../generated/packet-flow/system/error-code.js';

export { ErrorCode };

/**
 * The one kind of failure the codec reports for bytes from outside. `code` is the wire error code a receiver
 * answers with (PacketFlow.System.ErrorCode); `message` says what was wrong, for logs.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function malformed(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.MalformedPacket, message);
}

export function tooLarge(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.TooLarge, message);
}

/** What a decoder at a trust boundary returns: never an exception, always a value or a typed error. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

export function failure(error: unknown): { ok: false; error: ProtocolError } {
  if (error instanceof ProtocolError) return { ok: false, error };
  // Reaching here means a check is missing in the verifier; the fuzz tests look for this message.
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { ok: false, error: malformed(`unverified input reached the decoder (${detail})`) };
}

// One error type for everything the SDK refuses or is refused, carrying the code a game can switch on.

/**
 * Codes the SDK raises itself. They are negative so they can never collide with a code from the wire: Colyseus
 * and the gateway only send positive ones (HTTP statuses, 5xx matchmaking codes, 4xxx WebSocket codes).
 */
export const SdkErrorCode = {
  /** The gateway sent bytes that are not the table the message type promises; the message was dropped. */
  UnreadableMessage: -1,
  /** The room was joined but the gateway's `Joined` confirmation did not arrive in time. */
  JoinTimeout: -2,
} as const;

/**
 * A refused request or join. `code` is the Colyseus or gateway code (525 `AUTH_FAILED` for a bad token, the HTTP
 * status for a refused guest token) or one of `SdkErrorCode`.
 */
export class PacketFlowError extends Error {
  override readonly name = 'PacketFlowError';

  constructor(
    readonly code: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

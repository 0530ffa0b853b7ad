// The `match` room. This first slice authenticates joins with a signed token and echoes byte messages back; the
// bridge to the room's Match actor comes next.
import { type AuthContext, type Client, ErrorCode, Room, ServerError } from '@colyseus/core';
import { type TokenClaims, verifyToken } from './token.js';

/** Byte message type a client sends input under, and the type the echo comes back as. */
export const INPUT_MESSAGE = 'in';
export const ECHO_MESSAGE = 'echo';

export interface MatchRoomOptions {
  readonly secret: string;
  /** Largest byte message accepted; bigger ones are answered with an INVALID_PAYLOAD error. */
  readonly maxInputBytes: number;
}

export class MatchRoom extends Room {
  private secret = '';
  private maxInputBytes = 0;

  override onCreate(options: MatchRoomOptions): void {
    this.secret = options.secret;
    this.maxInputBytes = options.maxInputBytes;
    this.onMessageBytes(INPUT_MESSAGE, (client: Client, bytes: Uint8Array) => {
      if (!(bytes instanceof Uint8Array) || bytes.byteLength > this.maxInputBytes) {
        client.error(ErrorCode.INVALID_PAYLOAD, `input larger than ${this.maxInputBytes} bytes`);
        return;
      }
      client.sendBytes(ECHO_MESSAGE, bytes);
    });
    // Anything else a client sends is dropped, never thrown.
    this.onMessage('*', () => {});
  }

  override onAuth(_client: Client, _options: unknown, context: AuthContext): TokenClaims {
    const check = verifyToken(this.secret, context.token);
    if (!check.ok) throw new ServerError(ErrorCode.AUTH_FAILED, `token refused: ${check.reason}`);
    return check.claims;
  }
}

// The gate every client byte message passes before it may become a packet: size, rate, a verified table, sequence.
import { ClientErrorCode, type Game, MAX_SEQUENCE_GAP, type MessageRegistry } from '@packetflow/protocol';

export interface InputLimits {
  readonly maxInputBytes: number;
  readonly maxInputsPerSecond: number;
  readonly inputBurst: number;
  readonly maxStrikes: number;
}

/**
 * What the gateway remembers of one player's input stream. It belongs to the player's seat, not to a connection, so
 * a reconnected client continues where it left off and cannot reset its rate or its sequence by reconnecting.
 */
export class InputStream {
  lastSequence = 0;
  /**
   * Set when the client comes back from a dropped connection: it went on numbering the inputs it made while away,
   * however many, so its first input after that may jump past the gap limit once.
   */
  mayJump = false;
  /** Inputs dropped because they were at or below `lastSequence`: resends after a reconnection, or replays. */
  resends = 0;
  private tokens: number;
  private tokensAt: number;
  private strikesLeft: number;
  private strikesAt: number;
  private rateErrorAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly limits: InputLimits,
    now: number,
  ) {
    this.tokens = limits.inputBurst;
    this.tokensAt = now;
    this.strikesLeft = limits.maxStrikes;
    this.strikesAt = now;
  }

  /** Takes one input's worth from the rate bucket; false when the client is over its rate. */
  takeToken(now: number): boolean {
    const { maxInputsPerSecond, inputBurst } = this.limits;
    this.tokens = Math.min(inputBurst, this.tokens + ((now - this.tokensAt) * maxInputsPerSecond) / 1000);
    this.tokensAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Counts one offence; true when the client has used up its allowance and must be cut off. */
  strike(now: number): boolean {
    this.strikesLeft = Math.min(this.limits.maxStrikes, this.strikesLeft + (now - this.strikesAt) / 1000);
    this.strikesAt = now;
    this.strikesLeft -= 1;
    return this.strikesLeft < 0;
  }

  /** Whether a RateLimited error should be sent now: at most one a second, so a flood is not answered in kind. */
  shouldReportRate(now: number): boolean {
    if (now - this.rateErrorAt < 1000) return false;
    this.rateErrorAt = now;
    return true;
  }
}

export type InputVerdict =
  /** Forward it to the match. */
  | { readonly kind: 'accept'; readonly input: Game.ClientInputT }
  /** Drop it quietly: already forwarded (a resend after a reconnection). */
  | { readonly kind: 'resend' }
  /** Drop it and tell the client, with `error` unless that would answer a flood; cut off when it keeps on. */
  | {
      readonly kind: 'refuse';
      readonly code: number;
      readonly message: string;
      readonly report: boolean;
      readonly cutOff: boolean;
    };

export class InputGuard {
  constructor(
    private readonly limits: InputLimits,
    private readonly registry: MessageRegistry,
  ) {}

  check(stream: InputStream, bytes: Uint8Array, now: number): InputVerdict {
    if (!(bytes instanceof Uint8Array)) {
      return refuse(stream, now, ClientErrorCode.InvalidPayload, 'input must be a byte message');
    }
    if (bytes.byteLength > this.limits.maxInputBytes) {
      return refuse(
        stream,
        now,
        ClientErrorCode.InvalidPayload,
        `input larger than ${this.limits.maxInputBytes} bytes`,
      );
    }
    if (!stream.takeToken(now)) {
      const message = `more than ${this.limits.maxInputsPerSecond} inputs per second`;
      return refuse(stream, now, ClientErrorCode.RateLimited, message, stream.shouldReportRate(now));
    }
    const decoded = this.registry.decode('ClientInput', bytes);
    if (!decoded.ok) {
      return refuse(stream, now, ClientErrorCode.InvalidPayload, `unreadable ClientInput: ${decoded.error.message}`);
    }
    const input = decoded.value.body as Game.ClientInputT;
    if (input.sequence <= stream.lastSequence) {
      if (input.sequence === 0) return refuse(stream, now, ClientErrorCode.BadSequence, 'sequence numbers start at 1');
      stream.resends++;
      return { kind: 'resend' };
    }
    if (input.sequence > stream.lastSequence + MAX_SEQUENCE_GAP && !stream.mayJump) {
      const message = `sequence ${input.sequence} jumps more than ${MAX_SEQUENCE_GAP} past ${stream.lastSequence}`;
      return refuse(stream, now, ClientErrorCode.BadSequence, message);
    }
    stream.lastSequence = input.sequence;
    stream.mayJump = false;
    return { kind: 'accept', input };
  }

  /** A message the room has no use for (an unknown type, a msgpack message): an offence like bad bytes. */
  unexpected(stream: InputStream, type: unknown, now: number): InputVerdict {
    return refuse(
      stream,
      now,
      ClientErrorCode.InvalidPayload,
      `unknown message type ${JSON.stringify(String(type).slice(0, 64))}`,
    );
  }
}

function refuse(stream: InputStream, now: number, code: number, message: string, report = true): InputVerdict {
  return { kind: 'refuse', code, message, report, cutOff: stream.strike(now) };
}

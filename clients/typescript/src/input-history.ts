// Input numbering and the inputs the server has not acknowledged yet: what client-side prediction replays on top
// of the last snapshot, and what the SDK sends again after a reconnection.
import type { InputSample } from './match-types.js';

/** An input that was sent and not yet covered by an acknowledgement. */
export interface PendingInput {
  readonly sequence: number;
  readonly input: InputSample;
  /** When it was (last) sent, on the clock the caller passes in (`performance.now()` in the SDK). */
  readonly sentAtMs: number;
}

/** What an acknowledgement changed. */
export interface AckResult {
  /** Inputs the acknowledgement covered that were still pending. */
  readonly acknowledged: number;
  /**
   * Milliseconds from sending the acknowledged input to receiving the ack, when that input was still pending here;
   * undefined for an ack that repeats an earlier one.
   */
  readonly inputRttMs: number | undefined;
}

/** Pending inputs kept unless configured: 1024 is also the gateway's largest accepted sequence gap. */
export const DEFAULT_MAX_PENDING = 1024;

/**
 * Numbers inputs 1, 2, 3, … and keeps every one until an acknowledgement covers it. An ack of sequence `n` covers
 * every input up to and including `n`, because the server applies a player's inputs in sequence order.
 */
export class InputHistory {
  private nextSequence = 1;
  private ackedSequence = 0;
  private readonly entries: PendingInput[] = [];

  /**
   * @param maxPending How many unacknowledged inputs to keep; past it the oldest are forgotten, so a server that
   *   stops acknowledging cannot grow the client without bound.
   */
  constructor(private readonly maxPending: number = DEFAULT_MAX_PENDING) {
    if (!(Number.isInteger(maxPending) && maxPending > 0))
      throw new RangeError('maxPending must be a positive integer');
  }

  /** Records an input under the next sequence number and returns that number. */
  record(input: InputSample, sentAtMs: number): number {
    const sequence = this.nextSequence++;
    this.entries.push({ sequence, input, sentAtMs });
    if (this.entries.length > this.maxPending) this.entries.shift();
    return sequence;
  }

  /** Drops every pending input up to `sequence`; an ack older than the newest one seen changes nothing. */
  acknowledge(sequence: number, receivedAtMs: number): AckResult {
    if (sequence <= this.ackedSequence) return { acknowledged: 0, inputRttMs: undefined };
    this.ackedSequence = sequence;
    let covered = 0;
    while (covered < this.entries.length && this.entries[covered]!.sequence <= sequence) covered++;
    const last = covered > 0 ? this.entries[covered - 1] : undefined;
    this.entries.splice(0, covered);
    return {
      acknowledged: covered,
      inputRttMs: last?.sequence === sequence ? receivedAtMs - last.sentAtMs : undefined,
    };
  }

  /**
   * Marks the newest `limit` pending inputs as sent again at `sentAtMs` and returns them, oldest first. Older ones
   * stay pending until an ack covers them. The round trip of a resent input counts from the resend, not from before
   * the connection dropped.
   */
  resendNewest(limit: number, sentAtMs: number): readonly PendingInput[] {
    const from = Math.max(0, this.entries.length - limit);
    for (let i = from; i < this.entries.length; i++) this.entries[i] = { ...this.entries[i]!, sentAtMs };
    return this.entries.slice(from);
  }

  /** Unacknowledged inputs, oldest first. */
  get pending(): readonly PendingInput[] {
    return this.entries;
  }

  /** The highest sequence number acknowledged so far; 0 before the first ack. */
  get acked(): number {
    return this.ackedSequence;
  }

  /** The sequence number the next input gets. */
  get next(): number {
    return this.nextSequence;
  }
}

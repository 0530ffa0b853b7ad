import type { Logger } from '@packetflow/actors';
import type { Database } from 'lmdb';
import { GUEST_ID_PREFIX } from './guest-expiry.js';

/** The first key after every `guest-…` key: '.' is the character after '-'. */
const GUEST_KEYS_END = `${GUEST_ID_PREFIX.slice(0, -1)}.`;

export interface GuestSweepOptions<V> {
  /** Whether a stored guest record has gone unused for too long, read inside the sweep's write transaction. */
  readonly expired: (key: string, stored: V) => boolean;
  /** Pause between the end of one pass over the guest records and the start of the next. */
  readonly intervalMs: number;
  /** Records one run examines at most, so that its write transaction stays short. */
  readonly batchSize: number;
  readonly logger: Logger;
}

/**
 * LMDB has no expiry of its own, so guest records unused past their TTL are deleted here. A pass starts at open and
 * then every `intervalMs`; it walks the guest keys, which sort together (`guest-` up to, not including, `guest.`),
 * one batch per run, each run one write transaction that checks every record and deletes the expired. The check and
 * the delete share that transaction, so a record loaded or written just before is seen fresh and kept, and one
 * loaded or written just after is seen gone (LMDB runs write transactions one at a time).
 */
export class LmdbGuestSweep<V> {
  /** The last key the pass under way examined; undefined between passes. */
  private after: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Database<V, string>,
    private readonly options: GuestSweepOptions<V>,
  ) {
    this.schedule(0);
  }

  /** Ends the sweep; resolves once a run under way has committed, so the database can close after it. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.run();
    }, delayMs);
    // The service is kept alive by its node; a sweep waiting for its next pass is no reason to stay up.
    this.timer.unref();
  }

  private async run(): Promise<void> {
    let passGoesOn = false;
    try {
      passGoesOn = await this.sweepBatch();
    } catch (error) {
      this.options.logger.warn('guest record sweep failed; the next pass tries again', { error });
      this.after = undefined;
    }
    this.running = undefined;
    this.schedule(passGoesOn ? 0 : this.options.intervalMs);
  }

  /** One run; resolves with whether guest keys remain after the batch it examined. */
  private sweepBatch(): Promise<boolean> {
    const { expired, batchSize } = this.options;
    return this.db.transaction(() => {
      const batch = Array.from(
        this.db.getRange({
          start: this.after ?? GUEST_ID_PREFIX,
          exclusiveStart: this.after !== undefined,
          end: GUEST_KEYS_END,
          limit: batchSize,
        }),
      );
      for (const { key, value } of batch) if (expired(key, value)) this.db.remove(key);
      this.after = batch.length === batchSize ? batch[batch.length - 1]?.key : undefined;
      return this.after !== undefined;
    });
  }
}

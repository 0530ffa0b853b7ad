import type { Logger } from '../behavior.js';

/**
 * This member's claim that the others still count it as registered: held while its last successful renewal is
 * younger than the lease. A member that cannot renew (Redis unreachable, its record superseded) must assume the others
 * have dropped it and moved its actors, so it stops acting as their owner once the lease lapses, before the record
 * itself can expire. Reading `held` costs one monotonic clock read: cheap enough for every game tick.
 */
export class Lease {
  /** performance.now() past which the lease no longer holds; -Infinity until the first renewal. */
  private expiresAt = Number.NEGATIVE_INFINITY;
  /** What listeners were last told, so that they hear each change once. */
  private announced = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(held: boolean) => void>();

  constructor(
    readonly durationMs: number,
    private readonly logger: Logger,
  ) {
    if (!(durationMs > 0)) throw new Error(`a lease must last a positive time, got ${durationMs} ms`);
  }

  get held(): boolean {
    return performance.now() < this.expiresAt;
  }

  /**
   * A renewal that was sent at `sentAt` (performance.now()) succeeded. Counting from when it was sent, not from
   * when its answer came, keeps the lease inside the record's own TTL, which started between the two.
   */
  renewed(sentAt: number): void {
    this.expiresAt = Math.max(this.expiresAt, sentAt + this.durationMs);
    this.arm();
    this.announce();
  }

  /** Gives the lease up at once (the member deregistered): listeners hear it lost. */
  release(): void {
    this.expiresAt = Number.NEGATIVE_INFINITY;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.announce();
  }

  /** Called with true when the lease is regained and false when it lapses or is released. Returns an unsubscribe. */
  onChange(listener: (held: boolean) => void): () => void {
    const entry = (held: boolean) => listener(held);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.announce(), Math.max(0, this.expiresAt - performance.now()) + 1);
    this.timer.unref();
  }

  private announce(): void {
    const held = this.held;
    if (held === this.announced) return;
    this.announced = held;
    for (const listener of [...this.listeners]) {
      try {
        listener(held);
      } catch (error) {
        this.logger.error('lease listener threw', { held, error: String(error) });
      }
    }
  }
}

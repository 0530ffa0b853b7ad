/** Something ticked by the scheduler: a match on this host. */
export interface Ticking {
  tick(tick: number, scheduledAt: number): void;
}

export interface TickStats {
  ticks: number;
  /** Ticks that started late by more than one period and were skipped to catch up. */
  skipped: number;
  /** Members whose tick threw. */
  failures: number;
  /** Lateness of each tick start behind its schedule, ms, for the last `window` ticks. */
  lateness: number[];
}

/**
 * One clock for every match on a host, so a thousand matches cost one timer, not a thousand. Ticks follow a fixed
 * schedule (start + n × period) rather than "period after the last one", so timer drift never accumulates; a tick
 * that would start more than a period late is skipped rather than run in a burst.
 */
export class TickScheduler {
  readonly periodMs: number;
  readonly stats: TickStats = { ticks: 0, skipped: 0, failures: 0, lateness: [] };
  private readonly members = new Set<Ticking>();
  private timer: NodeJS.Timeout | null = null;
  private origin = 0;
  private tickNumber = 0;
  private readonly window = 4096;

  constructor(
    readonly rateHz: number,
    private readonly onError?: (error: unknown) => void,
  ) {
    if (!(rateHz > 0 && rateHz <= 1000)) throw new Error(`tick rate must be between 1 and 1000 Hz, got ${rateHz}`);
    this.periodMs = 1000 / rateHz;
  }

  get size(): number {
    return this.members.size;
  }

  /** The number of the last tick run (0 before the first). */
  get currentTick(): number {
    return this.tickNumber;
  }

  add(member: Ticking): void {
    this.members.add(member);
    if (this.timer === null) this.start();
  }

  remove(member: Ticking): void {
    this.members.delete(member);
    if (this.members.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private start(): void {
    // Tick numbers keep counting across idle spells; the schedule restarts from now at the current number.
    this.origin = performance.now() - this.tickNumber * this.periodMs;
    this.schedule();
  }

  private schedule(): void {
    const due = this.origin + (this.tickNumber + 1) * this.periodMs;
    this.timer = setTimeout(() => this.run(due), Math.max(0, due - performance.now()));
    this.timer.unref();
  }

  private run(due: number): void {
    const now = performance.now();
    const late = now - due;
    this.tickNumber++;
    if (late > this.periodMs) {
      const missed = Math.floor(late / this.periodMs);
      this.tickNumber += missed;
      this.stats.skipped += missed;
    }
    this.stats.ticks++;
    const lateness = this.stats.lateness;
    lateness.push(Math.max(0, late));
    if (lateness.length > this.window) lateness.splice(0, lateness.length - this.window);
    for (const member of this.members) {
      try {
        member.tick(this.tickNumber, due);
      } catch (error) {
        // One member's failure must not stop the clock for every other match on the host.
        this.stats.failures++;
        this.onError?.(error);
      }
    }
    if (this.members.size > 0) this.schedule();
    else this.timer = null;
  }
}

/** Something ticked by the scheduler: a match on this host. */
export interface Ticking {
  tick(tick: number, scheduledAt: number): void;
}

export interface TickStats {
  /** Timer runs: each ticks the members of one phase. */
  ticks: number;
  /** Phase runs that started late by more than one period and were skipped to catch up. */
  skipped: number;
  /** Members whose tick threw. */
  failures: number;
  /** Lateness of each run behind its schedule, ms, for the last `window` runs. */
  lateness: number[];
}

/** Told of every timer run of a scheduler: what its metrics are made of. */
export interface TickObserver {
  /**
   * A run started `latenessMs` behind its schedule. `skippedTicks` member ticks were skipped before it (one per
   * member of every phase run skipped because the timer ran more than a period late), usually 0.
   */
  ran(latenessMs: number, skippedTicks: number): void;
}

/** Phases a period is split into unless the constructor says otherwise. */
export const DEFAULT_TICK_PHASES = 4;

/**
 * One clock for every match on a host, so a thousand matches cost one timer, not a thousand. Ticks follow a fixed
 * schedule (start + n × period) rather than "period after the last one", so timer drift never accumulates; a tick
 * that would start more than a period late is skipped rather than run in a burst.
 *
 * Members are spread over `phases` evenly spaced points of the period (each new member joins the emptiest phase),
 * so the matches of a host do not all tick, step their physics and send their snapshots in the same instant: every
 * member still ticks once per period with the same tick numbers, and the work downstream (physics, the gateway,
 * clients) comes in smaller, spaced bursts.
 */
export class TickScheduler {
  readonly periodMs: number;
  readonly phases: number;
  readonly stats: TickStats = { ticks: 0, skipped: 0, failures: 0, lateness: [] };
  private readonly groups: Set<Ticking>[];
  private readonly phaseOf = new Map<Ticking, number>();
  private readonly slotMs: number;
  private timer: NodeJS.Timeout | null = null;
  private origin = 0;
  /** Phase runs since the clock first started: run k is phase (k - 1) mod phases of tick ⌊(k - 1) / phases⌋ + 1. */
  private slot = 0;
  private readonly window = 4096;

  constructor(
    readonly rateHz: number,
    private readonly onError?: (error: unknown) => void,
    phases = DEFAULT_TICK_PHASES,
    private readonly observer?: TickObserver,
  ) {
    if (!(rateHz > 0 && rateHz <= 1000)) throw new Error(`tick rate must be between 1 and 1000 Hz, got ${rateHz}`);
    this.periodMs = 1000 / rateHz;
    // A phase under a millisecond apart from the next is not worth a timer run of its own.
    this.phases = Math.max(1, Math.min(Math.floor(phases), Math.floor(this.periodMs)));
    this.slotMs = this.periodMs / this.phases;
    this.groups = Array.from({ length: this.phases }, () => new Set<Ticking>());
  }

  get size(): number {
    return this.phaseOf.size;
  }

  /** The number of the last tick run (0 before the first). */
  get currentTick(): number {
    return this.slot === 0 ? 0 : Math.floor((this.slot - 1) / this.phases) + 1;
  }

  add(member: Ticking): void {
    if (this.phaseOf.has(member)) return;
    let phase = 0;
    for (let p = 1; p < this.phases; p++) if (this.groups[p]!.size < this.groups[phase]!.size) phase = p;
    this.groups[phase]!.add(member);
    this.phaseOf.set(member, phase);
    if (this.timer === null) this.start();
  }

  remove(member: Ticking): void {
    const phase = this.phaseOf.get(member);
    if (phase === undefined) return;
    this.phaseOf.delete(member);
    this.groups[phase]!.delete(member);
    if (this.phaseOf.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private start(): void {
    // Tick numbers keep counting across idle spells; the schedule restarts from now where the count left off.
    this.origin = performance.now() - this.slot * this.slotMs;
    this.schedule();
  }

  private schedule(): void {
    const due = this.origin + (this.slot + 1) * this.slotMs;
    this.timer = setTimeout(() => this.run(due), Math.max(0, due - performance.now()));
    this.timer.unref();
  }

  private run(due: number): void {
    const late = performance.now() - due;
    this.slot++;
    let skippedTicks = 0;
    if (late > this.periodMs) {
      const missed = Math.floor(late / this.slotMs);
      skippedTicks = this.memberTicks(this.slot, missed);
      this.slot += missed;
      this.stats.skipped += missed;
    }
    this.stats.ticks++;
    this.observer?.ran(Math.max(0, late), skippedTicks);
    const lateness = this.stats.lateness;
    lateness.push(Math.max(0, late));
    if (lateness.length > this.window) lateness.splice(0, lateness.length - this.window);
    const tick = this.currentTick;
    for (const member of this.groups[(this.slot - 1) % this.phases]!) {
      try {
        member.tick(tick, due);
      } catch (error) {
        // One member's failure must not stop the clock for every other match on the host.
        this.stats.failures++;
        this.onError?.(error);
      }
    }
    if (this.phaseOf.size > 0) this.schedule();
    else this.timer = null;
  }

  /** Member ticks in `count` phase runs from slot `first` on: every member ticks once in any `phases` runs in a row. */
  private memberTicks(first: number, count: number): number {
    let ticks = Math.floor(count / this.phases) * this.phaseOf.size;
    for (let i = 0; i < count % this.phases; i++) ticks += this.groups[(first - 1 + i) % this.phases]!.size;
    return ticks;
  }
}

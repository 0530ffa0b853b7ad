/**
 * One unref'd interval per system instead of a timer per actor: each tick advances an epoch, and actors remember the
 * epoch of their last message, so idleness is a subtraction. The interval starts only once a kind asks for idle
 * deactivation and never keeps the process alive.
 */
export class IdleSweeper {
  readonly periodMs: number;
  private readonly tick: (epoch: number) => void;
  private timer: NodeJS.Timeout | null = null;
  private epoch = 0;

  constructor(periodMs: number, tick: (epoch: number) => void) {
    this.periodMs = periodMs;
    this.tick = tick;
  }

  /** Whole sweep periods that together cover at least `ms`. */
  sweepsFor(ms: number): number {
    return Math.max(1, Math.ceil(ms / this.periodMs));
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.tick(++this.epoch), this.periodMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

// How many restarts a supervisor may make before it gives up: OTP's restart intensity, over a sliding window.

export interface RestartLimits {
  /** Restarts allowed within any `periodMs`; a death past them exhausts the budget. */
  readonly maxRestarts: number;
  readonly periodMs: number;
}

export const DEFAULT_RESTART_LIMITS: RestartLimits = { maxRestarts: 5, periodMs: 60_000 };

export class RestartBudget {
  private readonly spent: { readonly at: number; readonly child: string }[] = [];

  constructor(
    readonly limits: RestartLimits = DEFAULT_RESTART_LIMITS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Spends one restart on `child`; false, spending nothing, when the window already holds `maxRestarts`. */
  spend(child: string): boolean {
    this.forgetOld();
    if (this.spent.length >= this.limits.maxRestarts) return false;
    this.spent.push({ at: this.now(), child });
    return true;
  }

  /** Restarts spent within the window, on every child. */
  get inWindow(): number {
    this.forgetOld();
    return this.spent.length;
  }

  /** Restarts spent on `child` within the window: how far its backoff has grown. */
  spentOn(child: string): number {
    this.forgetOld();
    return this.spent.filter((restart) => restart.child === child).length;
  }

  private forgetOld(): void {
    const now = this.now();
    while (this.spent.length > 0 && now - this.spent[0]!.at >= this.limits.periodMs) this.spent.shift();
  }
}

// A one_for_one supervisor in the manner of OTP, for child processes: a child that exits without being asked to is
// started again on its own, after a backoff, until more restarts than the budget allows fall within its window; then
// every child is stopped. It does not spawn anything itself: each child's spec says how to start and when it is up.
import { DEFAULT_RESTART_LIMITS, RestartBudget, type RestartLimits } from './restart-budget.js';

/** What the supervisor needs of a running process. */
export interface SupervisedProcess {
  readonly pid: number;
  /** Resolves with the exit code, null when a signal ended it. */
  readonly exited: Promise<number | null>;
  /** The signal that ended it; null while it runs or after it exited with a code. */
  readonly exitSignal: NodeJS.Signals | null;
  /** Asks it to stop (and makes sure it does); resolves once it has exited. Does nothing to one already gone. */
  stop(): Promise<unknown>;
}

export interface ChildSpec<P extends SupervisedProcess> {
  /** Unique among the supervisor's children. */
  readonly id: string;
  /** Children of one group stop together; groups stop in the reverse of the order in which they were started. */
  readonly group: string;
  /** `permanent`: restarted whenever it exits without being asked to. `temporary`: never restarted (OTP's words). */
  readonly restart: 'permanent' | 'temporary';
  /** Starts a new process of the child; a restart calls it again and must get the same program and settings. */
  spawn(): P;
  /** Resolves once the process is up (its ready line, say); rejects when it exits first or takes too long. */
  ready(process: P): Promise<unknown>;
}

export interface Backoff {
  /** The wait before a child's first restart within the window, doubled for each further one. */
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 250, maxMs: 10_000 };

interface Death {
  readonly child: string;
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when a restarted process was stopped for not getting up: why. */
  readonly notReady: string | undefined;
}

export type SupervisorEvent =
  | (Death & { readonly kind: 'died'; readonly restartInMs: number; readonly restartsInWindow: number })
  | { readonly kind: 'restarted'; readonly child: string; readonly pid: number }
  /** A restarted process is up; `downMs` since the death that began this run of restarts. */
  | { readonly kind: 'recovered'; readonly child: string; readonly pid: number; readonly downMs: number }
  /** The death that exhausted the budget: every child is being stopped. */
  | (Death & { readonly kind: 'gave-up' });

export interface SupervisorOptions {
  readonly limits?: RestartLimits;
  readonly backoff?: Backoff;
  /** Deaths, restarts, recoveries and giving up, as they happen. */
  readonly onEvent?: (event: SupervisorEvent) => void;
}

interface Incarnation<P> {
  readonly process: P;
  exited: boolean;
  notReady: string | undefined;
}

interface Child<P extends SupervisedProcess> {
  readonly spec: ChildSpec<P>;
  current: Incarnation<P>;
  restartTimer: NodeJS.Timeout | undefined;
  downSince: number | undefined;
}

export class Supervisor<P extends SupervisedProcess> {
  readonly limits: RestartLimits;
  private readonly budget: RestartBudget;
  private readonly backoff: Backoff;
  private readonly onEvent: (event: SupervisorEvent) => void;
  private readonly children: Child<P>[] = [];
  private stopping: Promise<void> | undefined;

  constructor(options: SupervisorOptions = {}) {
    this.limits = options.limits ?? DEFAULT_RESTART_LIMITS;
    this.budget = new RestartBudget(this.limits);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.onEvent = options.onEvent ?? (() => {});
  }

  /**
   * Starts a child and resolves with its process once it is up; from then on it is supervised. A child that does not
   * get up is stopped and the promise rejects, with no restart (as OTP's start_child): a service that cannot start
   * (a taken port, a bad setting) would only fail again.
   */
  async start(spec: ChildSpec<P>): Promise<P> {
    if (this.stopping !== undefined) throw new Error(`${spec.id} not started: the supervisor is stopping`);
    if (this.children.some((child) => child.spec.id === spec.id)) throw new Error(`a child ${spec.id} already runs`);
    const child: Child<P> = { spec, current: this.spawn(spec), restartTimer: undefined, downSince: undefined };
    this.children.push(child);
    const { process } = child.current;
    try {
      await spec.ready(process);
    } catch (error) {
      await process.stop();
      if (this.stopping !== undefined) throw new Error(`${spec.id} was stopped while it started`);
      throw error;
    }
    // Watched from here: an exit before this point is the start's failure, one after it (even at once) a death.
    this.watch(child, child.current);
    return process;
  }

  /** The child's current process: after a restart, the new one. */
  process(id: string): P {
    const child = this.children.find((c) => c.spec.id === id);
    if (child === undefined) throw new Error(`no child ${id}`);
    return child.current.process;
  }

  get processes(): P[] {
    return this.children.map((child) => child.current.process);
  }

  /** Stops every child, group by group, the last started first; nothing is restarted from now on. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    for (const child of this.children) clearTimeout(child.restartTimer);
    const groups = [...new Set(this.children.map((child) => child.spec.group))].reverse();
    for (const group of groups) {
      const members = this.children.filter((child) => child.spec.group === group);
      await Promise.all(members.map((child) => child.current.process.stop()));
    }
  }

  private spawn(spec: ChildSpec<P>): Incarnation<P> {
    return { process: spec.spawn(), exited: false, notReady: undefined };
  }

  private watch(child: Child<P>, incarnation: Incarnation<P>): void {
    incarnation.process.exited.then((code) => {
      incarnation.exited = true;
      if (this.stopping !== undefined || child.spec.restart === 'temporary') return;
      this.died(child, {
        child: child.spec.id,
        pid: incarnation.process.pid,
        code,
        signal: incarnation.process.exitSignal,
        notReady: incarnation.notReady,
      });
    });
  }

  private died(child: Child<P>, death: Death): void {
    if (!this.budget.spend(child.spec.id)) {
      this.onEvent({ kind: 'gave-up', ...death });
      void this.stop();
      return;
    }
    child.downSince ??= performance.now();
    const { initialMs, maxMs } = this.backoff;
    const restartInMs = Math.min(maxMs, initialMs * 2 ** (this.budget.spentOn(child.spec.id) - 1));
    this.onEvent({ kind: 'died', ...death, restartInMs, restartsInWindow: this.budget.inWindow });
    child.restartTimer = setTimeout(() => this.restart(child), restartInMs);
  }

  private restart(child: Child<P>): void {
    child.restartTimer = undefined;
    const incarnation = this.spawn(child.spec);
    child.current = incarnation;
    this.watch(child, incarnation);
    const { process } = incarnation;
    this.onEvent({ kind: 'restarted', child: child.spec.id, pid: process.pid });
    child.spec.ready(process).then(
      () => {
        if (this.stopping !== undefined || child.current !== incarnation || incarnation.exited) return;
        this.onEvent({
          kind: 'recovered',
          child: child.spec.id,
          pid: process.pid,
          downMs: performance.now() - child.downSince!,
        });
        child.downSince = undefined;
      },
      (error: unknown) => {
        if (this.stopping !== undefined || child.current !== incarnation || incarnation.exited) return;
        // Stopped, it exits like any death: counted against the budget and restarted, with this as its reason.
        incarnation.notReady = error instanceof Error ? error.message : String(error);
        void process.stop();
      },
    );
  }
}

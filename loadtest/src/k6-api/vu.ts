// A virtual user's execution context. Many VUs share a thread, so nothing here may block: k6's synchronous
// `sleep` becomes a time before which the VU does nothing, and everything that calls into the VU's script (its
// iteration, socket events, timers, resolved requests) waits for that time, in order, as it would in k6 while the
// VU's own event loop is stuck in `sleep`. The VU is found through async context, so the k6 modules need no handle.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Tags } from '../runner/metric-types.js';
import { tagKey } from '../runner/metric-types.js';

/** Something an iteration has open, which keeps it from ending: a socket, a timer, a request in flight. */
export interface Resource {
  /** Closes it at once because the iteration is being interrupted; it reports nothing more. */
  abort(): void;
}

/** How an iteration ended: its function settled with nothing left open, or it was cut short. */
export type IterationOutcome = 'complete' | 'interrupted';

/** One run of the script's default function. */
export class Iteration {
  ended = false;
  settled = false;
  readonly resources = new Set<Resource>();

  constructor(readonly finish: (outcome: IterationOutcome) => void) {}
}

const context = new AsyncLocalStorage<Vu>();

/** Reports errors thrown by scripts; the worker counts and prints them. */
export type ErrorReporter = (vu: Vu, error: unknown) => void;

export class Vu {
  /** `__ITER`: iterations begun by this VU in its scenario, from 0. */
  iteration = -1;
  /** The scenario's tags (`scenario`), which every sample carries. */
  tags: Tags = {};
  tagKey = '';
  current: Iteration | undefined;
  private blockedUntil = 0;
  private readonly deferred: (() => void)[] = [];
  private wakeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Settles the wait for the end of an iteration's last sleep (`awake`). */
  private sleeper: ((awake: boolean) => void) | undefined;

  constructor(
    readonly id: number,
    private readonly reportError: ErrorReporter,
  ) {}

  /** Joins a scenario: its iterations count from 0 again and its samples carry its tags. */
  assign(scenario: string): void {
    this.iteration = -1;
    this.tags = { scenario };
    this.tagKey = tagKey(this.tags);
  }

  /** The VU's clock: after a `sleep`, the time the sleep ends, which is when whatever follows takes effect. */
  now(): number {
    return Math.max(Date.now(), this.blockedUntil);
  }

  /** k6's `sleep`: the VU does nothing for `ms`. */
  sleep(ms: number): void {
    this.blockedUntil = this.now() + Math.max(0, ms);
  }

  /** Runs `effect` now, or once the VU's sleep is over, after everything deferred before it. */
  whenAwake(effect: () => void): void {
    if (this.deferred.length === 0 && Date.now() >= this.blockedUntil) {
      effect();
      return;
    }
    this.deferred.push(effect);
    this.scheduleWake();
  }

  /**
   * Resolves with true once the VU is awake from the sleep its iteration ended with (part of the iteration, as in
   * k6), or with false if the VU is interrupted first.
   */
  awake(): Promise<boolean> {
    return new Promise((resolve) => {
      this.sleeper = resolve;
      this.whenAwake(() => {
        this.sleeper = undefined;
        resolve(true);
      });
    });
  }

  private scheduleWake(): void {
    if (this.wakeTimer !== undefined) return;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = undefined;
        while (this.deferred.length > 0) {
          if (Date.now() < this.blockedUntil) {
            this.scheduleWake();
            return;
          }
          this.deferred.shift()!();
        }
      },
      Math.max(0, this.blockedUntil - Date.now()),
    );
  }

  /** Calls into the script for `iteration`, unless it has ended meanwhile; a throw interrupts the iteration. */
  enter(iteration: Iteration, fn: () => void): void {
    this.whenAwake(() => {
      if (iteration.ended) return;
      try {
        context.run(this, fn);
      } catch (error) {
        this.fail(iteration, error);
      }
    });
  }

  /** Runs the script's function in the VU's init phase (module top level), as k6's init context does. */
  init<T>(fn: () => T): T {
    return context.run(this, fn);
  }

  /** One iteration of `fn`: resolves once it settled and nothing it opened is still open, or it was interrupted. */
  run(fn: () => unknown): Promise<IterationOutcome> {
    this.iteration++;
    return new Promise((finish) => {
      const iteration = new Iteration(finish);
      this.current = iteration;
      this.enter(iteration, () => {
        Promise.resolve(fn()).then(
          () => {
            iteration.settled = true;
            this.settleIfIdle(iteration);
          },
          (error: unknown) => this.fail(iteration, error),
        );
      });
    });
  }

  /** Registers something the current iteration has open; throws outside an iteration (k6's init context). */
  hold(resource: Resource, api: string): Iteration {
    const iteration = this.current;
    if (iteration === undefined || iteration.ended) {
      throw new Error(`${api} can only be used while a VU runs an iteration, not in the init context`);
    }
    iteration.resources.add(resource);
    return iteration;
  }

  release(iteration: Iteration, resource: Resource): void {
    iteration.resources.delete(resource);
    this.settleIfIdle(iteration);
  }

  /**
   * Cuts the current iteration short: everything it has open is closed, its callbacks never run, and a sleep it is in
   * (its last, after its function settled, too) ends now.
   */
  interrupt(): void {
    if (this.current !== undefined) this.end(this.current, 'interrupted');
    this.blockedUntil = 0;
    this.deferred.length = 0;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    const sleeper = this.sleeper;
    this.sleeper = undefined;
    sleeper?.(false);
  }

  private settleIfIdle(iteration: Iteration): void {
    if (iteration.settled && iteration.resources.size === 0) this.end(iteration, 'complete');
  }

  private fail(iteration: Iteration, error: unknown): void {
    if (iteration.ended) return;
    this.reportError(this, error);
    this.end(iteration, 'interrupted');
  }

  private end(iteration: Iteration, outcome: IterationOutcome): void {
    if (iteration.ended) return;
    iteration.ended = true;
    for (const resource of iteration.resources) resource.abort();
    iteration.resources.clear();
    iteration.finish(outcome);
  }
}

/** The VU whose code is running; undefined outside any VU. */
export function currentVu(): Vu | undefined {
  return context.getStore();
}

/** The VU whose code is running, for an API that needs one. */
export function requireVu(api: string): Vu {
  const vu = context.getStore();
  if (vu === undefined) throw new Error(`${api} can only be used by a VU`);
  return vu;
}

/** Merges a sample's own tags over the VU's. */
export function sampleTags(vu: Vu, tags: Tags | undefined): { tags: Tags; key: string } {
  if (tags === undefined || Object.keys(tags).length === 0) return { tags: vu.tags, key: vu.tagKey };
  const merged = { ...vu.tags };
  for (const [k, v] of Object.entries(tags)) merged[k] = String(v);
  return { tags: merged, key: tagKey(merged) };
}

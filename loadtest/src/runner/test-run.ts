// One run of a k6 script: its options read once in an init context of its own, VUs spread over worker threads and
// scheduled by each scenario's executor, a window of samples collected from every worker each second, thresholds
// watched for abortOnFail, and everything kept for the summary and the report.
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { sink } from '../k6-api/sample-sink.js';
import { Vu } from '../k6-api/vu.js';
import { type TimelinePoint, timelinePoint } from '../report/timeline.js';
import { MetricStore } from './metric-store.js';
import type { SampleBatch } from './metric-types.js';
import { activeMs, maxVus, type Scenario, scenariosOf, targetVus } from './scenarios.js';
import { installScriptGlobals, loadScript } from './script-globals.js';
import { evaluateThresholds } from './threshold-results.js';
import { type MetricThresholds, parseThresholds } from './thresholds.js';
import type { FromWorker, ToWorker, WorkerData } from './worker-messages.js';

export interface RunSettings {
  /** The k6 script (a bundle from dist/, or any k6 script using the modules this runner has). */
  readonly scriptPath: string;
  /** `__ENV`. */
  readonly env: Readonly<Record<string, string>>;
  /** Worker threads for VUs; one per core unless set. */
  readonly workers?: number;
  /** Called after every window (once a second). */
  readonly onWindow?: (run: TestRun, point: TimelinePoint) => void;
}

/** Why a run stopped before its scenarios ended. */
export type AbortReason = 'threshold' | 'signal';

interface ScenarioState {
  readonly scenario: Scenario;
  started: boolean;
  ended: boolean;
  /** VUs running the scenario, oldest first; those being stopped are no longer here. */
  readonly active: number[];
}

/** Script exports this runner does not run; a script that has them would not do what its author meant. */
const UNSUPPORTED_EXPORTS = ['setup', 'teardown', 'handleSummary'];
const TICK_MS = 100;
const WINDOW_MS = 1000;

export class ScriptError extends Error {
  override readonly name = 'ScriptError';
}

export class TestRun {
  readonly store = new MetricStore();
  readonly timeline: TimelinePoint[] = [];
  options: Record<string, unknown> = {};
  scenarios: Scenario[] = [];
  thresholds: MetricThresholds[] = [];
  startedAt = new Date();
  durationMs = 0;
  completed = 0;
  interrupted = 0;
  vusMax = 0;
  aborted: AbortReason | undefined;

  private t0 = 0;
  private workers: Worker[] = [];
  private states: ScenarioState[] = [];
  private readonly running = new Set<number>();
  private readonly free: number[] = [];
  private nextVu = 1;
  private readonly deadlines = new Map<number, number>();
  private readonly pending = new Map<number, { batch: SampleBatch; completed: number; interrupted: number }[]>();
  private window = 0;
  private lastWindowAt = 0;
  private failure: Error | undefined;

  constructor(private readonly settings: RunSettings) {}

  /** VUs running now. */
  get vus(): number {
    return this.running.size;
  }

  /** Reads the script's options; throws ScriptError for a script or options the runner cannot run. */
  async load(): Promise<void> {
    installScriptGlobals(this.settings.env);
    const module = await loadScript(pathToFileURL(this.settings.scriptPath).href, new Vu(0, () => {})).catch(
      (error: unknown) => {
        throw new ScriptError(`the script did not load: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    const unsupported = UNSUPPORTED_EXPORTS.filter((name) => typeof module[name] === 'function');
    if (unsupported.length > 0) throw new ScriptError(`this runner does not run ${unsupported.join(', ')}()`);
    this.options = (module.options ?? {}) as Record<string, unknown>;
    try {
      this.scenarios = scenariosOf(this.options);
      this.thresholds = parseThresholds(this.options.thresholds, (name) => sink.definition(name)?.type);
    } catch (error) {
      throw new ScriptError((error as Error).message);
    }
    for (const scenario of this.scenarios) {
      if (typeof module[scenario.exec] !== 'function') {
        throw new ScriptError(`scenario ${scenario.name}: the script exports no function ${scenario.exec}`);
      }
    }
    this.vusMax = this.scenarios.reduce((sum, s) => sum + maxVus(s), 0);
  }

  /** Runs the scenarios to their end (or an abort); resolves once every worker has sent its last samples. */
  async execute(): Promise<void> {
    const count = Math.max(1, this.settings.workers ?? availableParallelism());
    const data: WorkerData = { scriptUrl: pathToFileURL(this.settings.scriptPath).href, env: this.settings.env };
    // Node 20 has the WebSocket class behind a flag; the workers get it, whatever the main thread was started with.
    const execArgv =
      typeof globalThis.WebSocket === 'undefined'
        ? ['--experimental-websocket', '--disable-warning=ExperimentalWarning']
        : undefined;
    this.workers = Array.from(
      { length: Math.min(count, Math.max(1, this.vusMax)) },
      () =>
        new Worker(new URL('./worker.js', import.meta.url), { workerData: data, ...(execArgv ? { execArgv } : {}) }),
    );
    await Promise.all(this.workers.map((worker, index) => this.attach(worker, index)));
    this.states = this.scenarios.map((scenario) => ({ scenario, started: false, ended: false, active: [] }));
    this.startedAt = new Date();
    this.t0 = Date.now();
    this.lastWindowAt = this.t0;
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        try {
          if (this.failure !== undefined) throw this.failure;
          if (this.tick()) {
            clearInterval(timer);
            resolve();
          }
        } catch (error) {
          clearInterval(timer);
          reject(error);
        }
      }, TICK_MS);
    });
    this.durationMs = Date.now() - this.t0;
    await this.finish();
  }

  /** Stops the run now: every VU is interrupted, and the run ends with what it has. */
  abort(reason: AbortReason): void {
    if (this.aborted !== undefined) return;
    this.aborted = reason;
    for (const state of this.states) {
      state.ended = true;
      state.active.length = 0;
    }
    for (const vu of this.running) this.send(vu, { type: 'interrupt', vu });
  }

  private attach(worker: Worker, index: number): Promise<void> {
    return new Promise((ready) => {
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'ready':
            ready();
            break;
          case 'stopped':
            this.stopped(message.vu);
            break;
          case 'samples':
            this.received(message.window, message);
            break;
          case 'fatal':
            this.failure ??= new ScriptError(message.message);
            break;
          case 'finished':
            worker.emit('finished');
            break;
        }
      });
      worker.on('error', (error) => {
        this.failure ??= new Error(`worker ${index} failed: ${error.message}`);
        ready();
      });
    });
  }

  private workerOf(vu: number): Worker {
    return this.workers[(vu - 1) % this.workers.length]!;
  }

  private send(vu: number, message: ToWorker): void {
    this.workerOf(vu).postMessage(message);
  }

  private allocate(): number {
    if (this.free.length === 0) return this.nextVu++;
    const lowest = Math.min(...this.free);
    this.free.splice(this.free.indexOf(lowest), 1);
    return lowest;
  }

  private startVu(state: ScenarioState, iterations?: number): void {
    const vu = this.allocate();
    this.running.add(vu);
    state.active.push(vu);
    const { name, exec } = state.scenario;
    this.send(vu, { type: 'start', vu, scenario: name, exec, ...(iterations === undefined ? {} : { iterations }) });
  }

  private stopVu(vu: number, graceMs: number): void {
    this.send(vu, { type: 'stop', vu });
    this.deadlines.set(vu, Date.now() + graceMs);
  }

  private stopped(vu: number): void {
    this.running.delete(vu);
    this.deadlines.delete(vu);
    this.free.push(vu);
    for (const state of this.states) {
      const at = state.active.indexOf(vu);
      if (at >= 0) state.active.splice(at, 1);
    }
  }

  /** Moves every scenario along; true once all have ended and no VU runs. */
  private tick(): boolean {
    const now = Date.now();
    for (const state of this.states) {
      if (state.ended) continue;
      const { scenario } = state;
      const local = now - this.t0 - scenario.startTimeMs;
      if (local < 0) continue;
      const target = targetVus(scenario, local);
      const finished = scenario.executor === 'per-vu-iterations' && state.started && state.active.length === 0;
      if (target === undefined || finished) {
        state.ended = true;
        for (const vu of state.active.splice(0)) this.stopVu(vu, scenario.gracefulStopMs);
        continue;
      }
      if (scenario.executor === 'per-vu-iterations') {
        if (!state.started) for (let i = 0; i < target; i++) this.startVu(state, scenario.iterations);
      } else {
        while (state.active.length < target) this.startVu(state);
        const rampDown = scenario.executor === 'ramping-vus' ? scenario.gracefulRampDownMs : scenario.gracefulStopMs;
        while (state.active.length > target) this.stopVu(state.active.pop()!, rampDown);
      }
      state.started = true;
    }
    for (const [vu, deadline] of this.deadlines) {
      if (now >= deadline) {
        this.deadlines.delete(vu);
        this.send(vu, { type: 'interrupt', vu });
      }
    }
    if (now - this.lastWindowAt >= WINDOW_MS) this.closeWindow(now);
    return this.states.every((s) => s.ended) && this.running.size === 0;
  }

  private closeWindow(now: number): void {
    const window = this.window++;
    this.lastWindowAt = now;
    this.store.merge({
      definitions: [],
      series: [
        { metric: 'vus', tags: {}, value: this.vus, count: 1, min: this.vus, max: this.vus, values: [] },
        { metric: 'vus_max', tags: {}, value: this.vusMax, count: 1, min: this.vusMax, max: this.vusMax, values: [] },
      ],
    });
    for (const worker of this.workers) worker.postMessage({ type: 'collect', window } satisfies ToWorker);
    this.watchThresholds(now);
  }

  private received(window: number, batch: { batch: SampleBatch; completed: number; interrupted: number }): void {
    this.store.merge(batch.batch);
    this.completed += batch.completed;
    this.interrupted += batch.interrupted;
    const batches = this.pending.get(window) ?? [];
    batches.push(batch);
    this.pending.set(window, batches);
    if (batches.length < this.workers.length) return;
    this.pending.delete(window);
    const t = (window + 1) * (WINDOW_MS / 1000);
    const point = timelinePoint(t, WINDOW_MS / 1000, this.vus, batches, (m) => this.store.definition(m)?.type);
    this.timeline.push(point);
    this.settings.onWindow?.(this, point);
  }

  private watchThresholds(now: number): void {
    const elapsed = now - this.t0;
    const watched = this.thresholds
      .map((m) => ({ ...m, thresholds: m.thresholds.filter((t) => t.abortOnFail && elapsed >= t.delayAbortEvalMs) }))
      .filter((m) => m.thresholds.length > 0);
    if (watched.length === 0) return;
    const results = evaluateThresholds(this.store, watched, elapsed);
    if (results.some((r) => r.results.some((t) => !t.ok))) this.abort('threshold');
  }

  private async finish(): Promise<void> {
    const window = this.window++;
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((done) => {
            worker.once('finished', () => done());
            worker.postMessage({ type: 'finish', window } satisfies ToWorker);
          }),
      ),
    );
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    if (this.failure !== undefined) throw this.failure;
  }

  /** How long the scenarios were planned to start iterations for, the longest of them, in ms. */
  plannedMs(): number {
    return Math.max(...this.scenarios.map((s) => s.startTimeMs + activeMs(s)));
  }
}

// The bot swarm: N bots spread over K forked processes, resized and measured in windows from this process.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { DriverSpec } from './driver.js';
import { LatencyHistogram } from './histogram.js';
import {
  addCounters,
  emptyCounters,
  type SwarmCounters,
  type WorkerCommand,
  type WorkerReply,
  type WorkerReport,
  type WorkerRequest,
} from './worker-protocol.js';

const workerScript = join(import.meta.dirname, 'worker.js');

export interface SwarmOptions {
  driver: DriverSpec;
  endpoint: string;
  /** Bot processes; 1 leaves the other core of a 2-core machine to the server. */
  processes?: number;
  /** Inputs per second per bot. */
  inputRate?: number;
  joinConcurrency?: number;
  joinTimeoutMs?: number;
}

export const DEFAULT_INPUT_RATE = 20;

/** The whole swarm over one window: counts and latencies added up over its processes. */
export interface SwarmReport {
  bots: number;
  counters: SwarmCounters;
  latency: LatencyHistogram;
  windowMs: number;
  /** CPU time of each bot process over the window. */
  processCpuMs: number[];
  /** The worst bot process's event-loop delay p99. */
  loopDelayP99Ms: number;
}

/** How `total` bots are shared out over `processes`: as evenly as they go, the first ones taking the remainder. */
export function shareOut(total: number, processes: number): number[] {
  return Array.from({ length: processes }, (_, i) => Math.floor(total / processes) + (i < total % processes ? 1 : 0));
}

export function mergeReports(reports: WorkerReport[]): SwarmReport {
  const counters = emptyCounters();
  const latency = new LatencyHistogram();
  for (const r of reports) {
    addCounters(counters, r.counters);
    latency.add(r.latency);
  }
  return {
    bots: reports.reduce((sum, r) => sum + r.bots, 0),
    counters,
    latency,
    windowMs: Math.max(0, ...reports.map((r) => r.windowMs)),
    processCpuMs: reports.map((r) => r.cpuMs),
    loopDelayP99Ms: Math.max(0, ...reports.map((r) => r.loopDelayP99Ms)),
  };
}

class BotProcess {
  private readonly pending = new Map<
    number,
    { resolve: (r: WorkerReport | undefined) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;

  constructor(readonly child: ChildProcess) {
    child.on('message', (reply: WorkerReply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.report);
      else waiter?.reject(new Error(`bot process: ${reply.error}`));
    });
    child.once('exit', (code, signal) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`bot process exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  request(request: WorkerCommand) {
    return new Promise<WorkerReport | undefined>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...request, id } as WorkerRequest);
    });
  }

  async report(request: { type: 'report' } | { type: 'resize'; bots: number }): Promise<WorkerReport> {
    const report = await this.request(request);
    if (!report) throw new Error(`bot process sent no report for ${request.type}`);
    return report;
  }
}

export class Swarm {
  private closed: Promise<void> | undefined;

  private constructor(private readonly processes: BotProcess[]) {}

  static async start(options: SwarmOptions): Promise<Swarm> {
    const count = options.processes ?? 1;
    const processes = Array.from(
      { length: count },
      () => new BotProcess(fork(workerScript, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })),
    );
    const swarm = new Swarm(processes);
    try {
      await Promise.all(
        processes.map((p, workerIndex) =>
          p.request({
            type: 'setup',
            setup: {
              driver: options.driver,
              endpoint: options.endpoint,
              inputRate: options.inputRate ?? DEFAULT_INPUT_RATE,
              joinConcurrency: options.joinConcurrency ?? 16,
              joinTimeoutMs: options.joinTimeoutMs ?? 10_000,
              workerIndex,
            },
          }),
        ),
      );
    } catch (error) {
      await swarm.close();
      throw error;
    }
    return swarm;
  }

  /** The bot processes' pids, for reading their CPU time from /proc. */
  get pids(): number[] {
    return this.processes.map((p) => p.child.pid!);
  }

  /** Joins or closes bots until `total` are connected (failed joins are counted, not retried). */
  async resize(total: number): Promise<SwarmReport> {
    const shares = shareOut(total, this.processes.length);
    return mergeReports(
      await Promise.all(this.processes.map((p, i) => p.report({ type: 'resize', bots: shares[i]! }))),
    );
  }

  /** Starts a new measurement window in every bot process. */
  async reset(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.request({ type: 'reset' })));
  }

  /** Everything since the last `reset`. */
  async report(): Promise<SwarmReport> {
    return mergeReports(await Promise.all(this.processes.map((p) => p.report({ type: 'report' }))));
  }

  /** Closes every bot and ends the bot processes; later calls wait for the same close. */
  close(): Promise<void> {
    this.closed ??= this.closeProcesses();
    return this.closed;
  }

  private async closeProcesses(): Promise<void> {
    await Promise.all(
      this.processes.map(async (p) => {
        const exited = new Promise<void>((resolve) => {
          if (p.child.exitCode !== null || p.child.signalCode !== null) resolve();
          else p.child.once('exit', () => resolve());
        });
        await p.request({ type: 'close' }).catch(() => {});
        // A process still holding a socket a moment after its bots left is not worth waiting for.
        const timer = setTimeout(() => p.child.kill('SIGKILL'), 2_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

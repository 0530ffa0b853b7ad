// What the swarm's parent and its bot processes say to each other over IPC.
import type { DriverSpec } from './driver.js';
import type { HistogramData } from './histogram.js';

/** Counts over one measurement window (since the last `reset`), one bot process or the whole swarm. */
export interface SwarmCounters {
  joins: number;
  joinFailures: number;
  /** Connections that ended without the swarm closing them. */
  disconnects: number;
  /** State updates or snapshots received, all bots together. */
  snapshots: number;
  inputsSent: number;
  /** Inputs covered by an ack: each is one latency sample. */
  inputsAcked: number;
  /** Sends skipped because the bot already had the most inputs in flight it tracks: the server is not keeping up. */
  inputsBlocked: number;
}

export function emptyCounters(): SwarmCounters {
  return { joins: 0, joinFailures: 0, disconnects: 0, snapshots: 0, inputsSent: 0, inputsAcked: 0, inputsBlocked: 0 };
}

export function addCounters(into: SwarmCounters, more: SwarmCounters): void {
  for (const key of Object.keys(into) as (keyof SwarmCounters)[]) into[key] += more[key];
}

export interface WorkerSetup {
  driver: DriverSpec;
  endpoint: string;
  /** Inputs per second per bot. */
  inputRate: number;
  /** Joins one process keeps in flight while it grows. */
  joinConcurrency: number;
  joinTimeoutMs: number;
  /** Distinguishes this process's bot names from the others'. */
  workerIndex: number;
}

export interface WorkerReport {
  bots: number;
  counters: SwarmCounters;
  latency: HistogramData;
  /** Wall time the window lasted. */
  windowMs: number;
  /** This process's CPU time (user + system) over the window. */
  cpuMs: number;
  /** Event-loop delay p99 over the window: how late this process ran its bots' timers and socket reads. */
  loopDelayP99Ms: number;
}

export type WorkerRequest =
  | { id: number; type: 'setup'; setup: WorkerSetup }
  | { id: number; type: 'resize'; bots: number }
  | { id: number; type: 'reset' }
  | { id: number; type: 'report' }
  | { id: number; type: 'close' };

/** A request before the channel numbers it. */
export type WorkerCommand = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

export type WorkerReply = { id: number; ok: true; report?: WorkerReport } | { id: number; ok: false; error: string };

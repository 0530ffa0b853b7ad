// The gateway suite's measurements, written once for any server and bot driver, so the baseline and PacketFlow
// are measured the same way: latency at a fixed load, the most bots held at a p99, server memory per client.
import {
  type CapacityPlan,
  capacityOf,
  DEFAULT_LIMITS,
  judgeLoad,
  type LoadFigures,
  type LoadLimits,
  nextProbe,
} from './capacity-search.js';
import type { DriverSpec } from './driver.js';
import { readCpuMs, readMachineBusyMs, readRssKiB } from './proc.js';
import { DEFAULT_INPUT_RATE, Swarm } from './swarm.js';
import type { SwarmCounters } from './worker-protocol.js';

/** A running server and the bots that speak to it. */
export interface SwarmTarget {
  driver: DriverSpec;
  endpoint: string;
  /** Every process of the server under test: their CPU and RSS are what is measured. */
  serverPids: number[];
  /** Bot processes (default 1). */
  processes?: number;
  /** Inputs per second per bot (default 20). */
  inputRate?: number;
  /** Asks the server for a full garbage collection, when it can, before a memory reading. */
  collectGarbage?: () => Promise<void>;
  /** Rooms open on the server, when it can say, for the notes. */
  roomCount?: () => Promise<number>;
}

export interface WindowOptions {
  warmupMs: number;
  measureMs: number;
}

export interface LoadResult extends LoadFigures {
  p50Ms: number;
  maxMs: number;
  /** Rooms open at the end of the window, when the target can say. */
  rooms: number | undefined;
  counters: SwarmCounters;
  windowMs: number;
  /** CPU of the server processes together, as a share of one core. */
  serverCpuPercent: number;
  /** CPU time each server process used over the window, in the order of `serverPids`. */
  serverCpuMs: number[];
  /** Wall time between the server CPU readings. */
  serverWindowMs: number;
  /**
   * When the window began and ended on the monotonic clock, in microseconds: the clock V8 stamps CPU profile
   * samples with, so a profile of the whole run can be cut down to the measured window.
   */
  monotonicUs: { start: number; end: number };
  /** CPU of each bot process, as a share of one core. */
  botCpuPercent: number[];
  /**
   * CPU the rest of the machine used over the window (other processes, this one included), as a share of one
   * core: what the server and bots did not have.
   */
  otherCpuPercent: number;
  /** Windows measured for this result: more than one when the first was taken while other work was running. */
  windows: number;
  botLoopDelayP99Ms: number;
  snapshotsPerBotSecond: number;
}

const ROOM_DISPOSE_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

function startSwarm(target: SwarmTarget): Promise<Swarm> {
  return Swarm.start({
    driver: target.driver,
    endpoint: target.endpoint,
    processes: target.processes ?? 1,
    inputRate: target.inputRate ?? DEFAULT_INPUT_RATE,
  });
}

/** Resizes the swarm to `bots`, lets it settle for the warm-up, then measures one window. */
async function measureWindow(
  swarm: Swarm,
  target: SwarmTarget,
  bots: number,
  options: WindowOptions,
): Promise<LoadResult> {
  await swarm.reset();
  await swarm.resize(bots);
  await sleep(options.warmupMs);
  const settling = await swarm.report();
  await swarm.reset();
  const cpu0 = target.serverPids.map(readCpuMs);
  const machine0 = readMachineBusyMs();
  const wall0 = performance.now();
  const monotonic0 = monotonicUs();
  await sleep(options.measureMs);
  const window = await swarm.report();
  const cpuByProcess = target.serverPids.map((pid, i) => readCpuMs(pid) - cpu0[i]!);
  const monotonic1 = monotonicUs();
  const serverCpuMs = cpuByProcess.reduce((sum, ms) => sum + ms, 0);
  const machineMs = readMachineBusyMs() - machine0;
  const wallMs = performance.now() - wall0;
  const botCpuMs = window.processCpuMs.reduce((sum, ms) => sum + ms, 0);
  const rate = target.inputRate ?? DEFAULT_INPUT_RATE;
  const seconds = window.windowMs / 1000;
  return {
    requestedBots: bots,
    bots: window.bots,
    p50Ms: window.latency.percentileMs(0.5),
    p99Ms: window.latency.percentileMs(0.99),
    maxMs: window.latency.maxMs,
    samples: window.latency.count,
    joinFailures: settling.counters.joinFailures + window.counters.joinFailures,
    disconnects: settling.counters.disconnects + window.counters.disconnects,
    inputRatio: window.counters.inputsSent / Math.max(1, window.bots * rate * seconds),
    inputsBlocked: settling.counters.inputsBlocked + window.counters.inputsBlocked,
    rooms: target.roomCount ? await target.roomCount() : undefined,
    counters: window.counters,
    windowMs: window.windowMs,
    serverCpuPercent: (serverCpuMs / wallMs) * 100,
    serverCpuMs: cpuByProcess,
    serverWindowMs: wallMs,
    monotonicUs: { start: monotonic0, end: monotonic1 },
    botCpuPercent: window.processCpuMs.map((ms) => (ms / window.windowMs) * 100),
    otherCpuPercent: (Math.max(0, machineMs - serverCpuMs - botCpuMs) / wallMs) * 100,
    windows: 1,
    botLoopDelayP99Ms: window.loopDelayP99Ms,
    snapshotsPerBotSecond: window.counters.snapshots / Math.max(1, window.bots * seconds),
  };
}

/**
 * Other processes on this machine using more than this share of a core during a window make it unfit to judge
 * the server by: the server and the bots were short of CPU that was not theirs to lose.
 */
export const NOISY_OTHER_CPU_PERCENT = 25;

/**
 * `measureWindow`, measured once more (keeping the quieter window) when `retry` says the first result may be
 * the machine's other work rather than the server's.
 */
async function measureQuietly(
  swarm: Swarm,
  target: SwarmTarget,
  bots: number,
  options: WindowOptions,
  retry: (result: LoadResult) => boolean,
): Promise<LoadResult> {
  const first = await measureWindow(swarm, target, bots, options);
  if (first.otherCpuPercent <= NOISY_OTHER_CPU_PERCENT || !retry(first)) return first;
  const second = await measureWindow(swarm, target, bots, options);
  const quieter = second.otherCpuPercent < first.otherCpuPercent ? second : first;
  return { ...quieter, windows: 2 };
}

/** Input-to-ack latency with `bots` bots: a fresh swarm, joined, warmed up, measured (twice on a noisy machine). */
export async function measureLatency(
  target: SwarmTarget,
  options: WindowOptions & { bots: number },
): Promise<LoadResult> {
  const swarm = await startSwarm(target);
  try {
    return await measureQuietly(swarm, target, options.bots, options, () => true);
  } finally {
    await swarm.close();
  }
}

export interface CapacityProbe extends LoadResult {
  passed: boolean;
  reason: string;
}

export interface CapacityResult {
  /** The most bots that held the limits; 0 when none did. */
  capacity: number;
  /** Every step in the order it was measured. */
  probes: CapacityProbe[];
}

/**
 * The most bots the server holds within `limits`: one swarm grown (or shrunk) step by step as `nextProbe` says,
 * each step warmed up and measured on the same server.
 */
export async function findCapacity(
  target: SwarmTarget,
  options: WindowOptions & { plan: CapacityPlan; limits?: LoadLimits; onProbe?: (probe: CapacityProbe) => void },
): Promise<CapacityResult> {
  const probes: CapacityProbe[] = [];
  const swarm = await startSwarm(target);
  try {
    for (let bots = nextProbe(probes, options.plan); bots !== undefined; bots = nextProbe(probes, options.plan)) {
      const limits = options.limits ?? DEFAULT_LIMITS;
      // Only a failure is measured again: other work can slow the server down, never speed it up.
      const load = await measureQuietly(swarm, target, bots, options, (r) => !judgeLoad(r, limits).passed);
      const probe = { ...load, ...judgeLoad(load, limits) };
      probes.push(probe);
      options.onProbe?.(probe);
    }
  } finally {
    await swarm.close();
  }
  return { capacity: capacityOf(probes), probes };
}

export interface MemoryResult {
  bots: number;
  idleRssKiB: number;
  loadedRssKiB: number;
  perClientKiB: number;
  /** Whether the server could be asked to collect garbage before each reading. */
  collected: boolean;
}

/**
 * Server RSS with `bots` clients minus its RSS with none, per client. The idle reading follows a short cycle of
 * one room's worth of bots joining and leaving, so code the first clients make the server load and compile is
 * not counted against the clients.
 */
export async function measureMemoryPerClient(
  target: SwarmTarget,
  options: { bots: number; warmBots: number; settleMs: number },
): Promise<MemoryResult> {
  const rss = async () => {
    await target.collectGarbage?.();
    return target.serverPids.reduce((sum, pid) => sum + readRssKiB(pid), 0);
  };
  const swarm = await startSwarm(target);
  try {
    await swarm.resize(options.warmBots);
    await sleep(options.settleMs);
    await swarm.resize(0);
    // The leaves have been sent; give the server a moment to see them and dispose of the emptied room.
    await sleep(ROOM_DISPOSE_MS);
    const idleRssKiB = await rss();
    await swarm.resize(options.bots);
    await sleep(options.settleMs);
    const loaded = await swarm.report();
    const loadedRssKiB = await rss();
    return {
      bots: loaded.bots,
      idleRssKiB,
      loadedRssKiB,
      perClientKiB: (loadedRssKiB - idleRssKiB) / Math.max(1, loaded.bots),
      collected: target.collectGarbage !== undefined,
    };
  } finally {
    await swarm.close();
  }
}

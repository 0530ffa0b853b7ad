// The gateway suite. This half measures the baseline, a plain Colyseus room (ws transport, msgpack input, schema
// state) driven by its official SDK, the comparison point of the design (§8); the PacketFlow half measures the
// gateway with the same procedure, calling the functions re-exported here with its own driver and server.
import { startBaselineProcess } from '../baseline/process.js';
import { ARENA_HALF_SIZE, PROP_COUNT, TICK_RATE } from '../baseline/simulation.js';
import type { Figure } from '../report.js';
import { baselineDriver } from '../swarm/baseline-driver.js';
import type { CapacityPlan } from '../swarm/capacity-search.js';
import {
  type CapacityProbe,
  type CapacityResult,
  findCapacity,
  type LoadResult,
  measureLatency,
  measureMemoryPerClient,
  type SwarmTarget,
} from '../swarm/procedure.js';
import { DEFAULT_INPUT_RATE } from '../swarm/swarm.js';

export { type CapacityPlan, DEFAULT_LIMITS, type LoadLimits } from '../swarm/capacity-search.js';
export type { BotDriver, DriverContext, DriverFactory, DriverSpec, Move } from '../swarm/driver.js';
export { packetflowDriver } from '../swarm/packetflow-driver.js';
export {
  type CapacityProbe,
  type CapacityResult,
  findCapacity,
  type LoadResult,
  type MemoryResult,
  measureLatency,
  measureMemoryPerClient,
  type SwarmTarget,
  type WindowOptions,
} from '../swarm/procedure.js';

const GROUP = 'gateway';
/**
 * Bot processes. With one, that process (decoding every patch for every bot) saturates near 750 bots while the
 * server still has a third of its core free, so the figure would be the bots' limit; with two, bots and server
 * share the machine's two cores and the limit is the machine's, as the design's reference measures it.
 */
export const BOT_PROCESSES = 2;

export const LATENCY_LOAD = { bots: 200, warmupMs: 5_000, measureMs: 15_000 } as const;
export const CAPACITY_SEARCH = {
  plan: { step: 200, finest: 25, max: 2_000 } satisfies CapacityPlan,
  warmupMs: 4_000,
  measureMs: 10_000,
} as const;
export const MEMORY_LOAD = { bots: 200, warmBots: 8, settleMs: 4_000 } as const;

const DESIGN_REFERENCE_CLIENTS = 350;

/** A fresh baseline server per measurement, so none inherits another's heap or rooms. */
async function withBaselineServer<T>(run: (target: SwarmTarget) => Promise<T>): Promise<T> {
  const server = await startBaselineProcess();
  try {
    return await run({
      driver: baselineDriver,
      endpoint: server.endpoint,
      serverPids: [server.pid],
      processes: BOT_PROCESSES,
      inputRate: DEFAULT_INPUT_RATE,
      collectGarbage: async () => {
        await server.collectGarbage();
      },
      roomCount: async () => (await server.stats()).rooms,
    });
  } finally {
    await server.stop();
  }
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const percent = (value: number) => `${value.toFixed(0)} %`;
const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

const SETUP =
  `Colyseus 0.18 (@colyseus/core 0.18.17, ws-transport 0.18.4), room \`baseline\` of ≤ 8 players: schema state of ` +
  `a player map (x, y, z, yaw, last input sequence, score) and ${PROP_COUNT} props (x, y, z) in a ` +
  `${ARENA_HALF_SIZE * 2} m arena, ${TICK_RATE} Hz simulation applying ≤ 1 input per player per tick, a patch ` +
  `after every tick; bots on @colyseus/sdk 0.18.4 joinOrCreate, ${DEFAULT_INPUT_RATE} msgpack inputs/s each ` +
  `(timers at random phases), acks read from their own player's lastSequence on each decoded state change; ` +
  `server and ${BOT_PROCESSES} bot processes on this machine`;

/** One load step in words, for the notes of both halves. */
export function describeLoad(r: LoadResult): string {
  return (
    `${r.bots} bots${r.rooms === undefined ? '' : ` in ${r.rooms} rooms`}: p50 ${ms(r.p50Ms)}, p99 ${ms(r.p99Ms)}, ` +
    `max ${ms(r.maxMs)} over ${r.samples.toLocaleString('en-US')} acked inputs; server CPU ` +
    `${percent(r.serverCpuPercent)} of a core, bots ${r.botCpuPercent.map(percent).join(' + ')} (event-loop delay ` +
    `p99 ${ms(r.botLoopDelayP99Ms)}), other processes ${percent(r.otherCpuPercent)}` +
    `${r.windows > 1 ? ' (the quieter of 2 windows)' : ''}; ${r.snapshotsPerBotSecond.toFixed(1)} state ` +
    `updates/s per bot, inputs sent ${percent(r.inputRatio * 100)} of the rate`
  );
}

/** One capacity step in words. */
export function describeProbe(p: CapacityProbe): string {
  return `${p.requestedBots} ${p.passed ? 'held' : `failed (${p.reason})`}: ${describeLoad(p)}`;
}

/** What ended a capacity search: the reason the smallest failing step failed. */
export function describeLimit(result: CapacityResult): string {
  const failures = result.probes.filter((p) => !p.passed).sort((a, b) => a.requestedBots - b.requestedBots);
  const first = failures[0];
  return first ? `${first.requestedBots} bots failed: ${first.reason}` : 'no step failed up to the plan’s maximum';
}

export async function gatewaySuite(report: (figure: Figure) => void): Promise<void> {
  const latency = await withBaselineServer((target) => measureLatency(target, LATENCY_LOAD));
  report({
    group: GROUP,
    name: `baseline: Colyseus ws + schema, input-to-ack p50/p99 at ${LATENCY_LOAD.bots} bots`,
    value: latency.p99Ms,
    unit: `ms p99, p50 ${ms(latency.p50Ms)}`,
    target: '',
    note:
      `${SETUP}. Input-to-ack: from sending input S to the first decoded state change whose ack for the bot's ` +
      `player is ≥ S. ${(LATENCY_LOAD.warmupMs / 1000).toFixed(0)} s warm-up, then ` +
      `${(LATENCY_LOAD.measureMs / 1000).toFixed(0)} s measured: ${describeLoad(latency)}; ${latency.joinFailures} ` +
      `failed joins, ${latency.disconnects} disconnects`,
  });

  const capacity = await withBaselineServer((target) => findCapacity(target, CAPACITY_SEARCH));
  const { plan } = CAPACITY_SEARCH;
  report({
    group: GROUP,
    name: 'baseline: most bots at p99 ≤ 100 ms',
    value: capacity.capacity,
    unit: 'bots',
    target: '',
    note:
      `${SETUP}. One server and one swarm grown in steps of ${plan.step} bots, then the gap halved down to ` +
      `${plan.finest}; each step ${(CAPACITY_SEARCH.warmupMs / 1000).toFixed(0)} s warm-up then ` +
      `${(CAPACITY_SEARCH.measureMs / 1000).toFixed(0)} s measured; a step holds with input-to-ack p99 ≤ 100 ms, ` +
      `every join made, no disconnect and the bots sending ≥ 95 % of their inputs. The design's reference for ` +
      `this baseline on this machine is about ${DESIGN_REFERENCE_CLIENTS} clients (bench/README.md says why this ` +
      `lands above it). Limit: ${describeLimit(capacity)}. ` +
      'Steps: ' +
      capacity.probes.map(describeProbe).join('; '),
  });

  const memory = await withBaselineServer((target) => measureMemoryPerClient(target, MEMORY_LOAD));
  report({
    group: GROUP,
    name: 'baseline: server memory per client',
    value: memory.perClientKiB,
    unit: 'KiB/client',
    target: '',
    note:
      `${SETUP}. Server VmRSS (/proc/<pid>/status) with ${memory.bots} bots joined and sending for ` +
      `${(MEMORY_LOAD.settleMs / 1000).toFixed(0)} s, minus VmRSS with none (after ${MEMORY_LOAD.warmBots} bots ` +
      `joined and left, so first-use code is not counted), over ${memory.bots}; ` +
      `${memory.collected ? 'a full GC in the server before each reading' : 'no GC forced'}: ` +
      `${mib(memory.idleRssKiB)} idle, ${mib(memory.loadedRssKiB)} loaded`,
  });
}

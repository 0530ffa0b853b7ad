// The gateway suite. This half measures the baseline, a plain Colyseus room (ws transport, msgpack input, schema
// state) driven by its official SDK, the comparison point of the design (§8); the PacketFlow half measures the
// gateway with the same procedure, calling the functions re-exported here with its own driver and server.
import { availableParallelism } from 'node:os';
import { startBaselineProcess } from '../baseline/process.js';
import type { BaselineKind } from '../baseline/server.js';
import { ARENA_HALF_SIZE, PROP_COUNT, TICK_RATE } from '../baseline/simulation.js';
import { atMost, type Figure } from '../report.js';
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
import { PACKETFLOW_SETUP, withPacketflowBackend } from './gateway-packetflow.js';

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

/** A fresh baseline server per measurement, so none inherits another's heap or rooms; `execArgv`: its Node flags. */
export async function withBaselineServer<T>(
  kind: BaselineKind,
  run: (target: SwarmTarget) => Promise<T>,
  execArgv: readonly string[] = [],
): Promise<T> {
  const server = await startBaselineProcess(kind, execArgv);
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

const BOTS =
  `bots on @colyseus/sdk 0.18.4 joinOrCreate, ${DEFAULT_INPUT_RATE} msgpack inputs/s each (timers at random ` +
  `phases), acks read from their own player's lastSequence on each decoded state change; server and ` +
  `${BOT_PROCESSES} bot processes on this machine`;

/** The baseline doing PacketFlow's work: what the headline compares with. */
export const SETUP =
  `Colyseus 0.18 (@colyseus/core 0.18.17, ws-transport 0.18.4), room \`baseline\` of ≤ 8 players doing a ` +
  `PacketFlow match's work in the room: the same Rapier world (@packetflow/physics PhysicsWorld: arena, ` +
  `${PROP_COUNT} box props, a capsule per player) stepped at ${TICK_RATE} Hz with ≤ 1 input per player per tick, ` +
  `game-logic's touch scoring, schema state of every body's position and rotation plus each player's last input ` +
  `sequence and score, a patch after every tick; ${BOTS}`;

const KINEMATIC_SETUP =
  `Colyseus 0.18, room \`baseline\` of ≤ 8 players with a few lines of kinematic rules instead of a physics ` +
  `engine (players moved by input at 5 m/s, props pushed aside on touch) and schema state of positions (players' ` +
  `yaw), ${PROP_COUNT} props in a ${ARENA_HALF_SIZE * 2} m arena, ${TICK_RATE} Hz; ${BOTS}`;

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

export const LAYOUT_WORDS = {
  separate: 'npm start: four processes',
  together: 'services in one process',
  single: 'all in one process',
} as const;
export const LAYOUT_NOTES = {
  separate: 'gateway, game-logic, physics and player-store each a process, as npm start runs them',
  together:
    'game-logic, physics and player-store hosted by one process (matches ask their worlds and players without packets), the gateway in another',
  single:
    'the gateway process hosts game-logic, physics and player-store too (rooms and matches exchange inputs and snapshots in memory, no packets)',
} as const;

export async function gatewaySuite(report: (figure: Figure) => void): Promise<void> {
  const latency = await withBaselineServer('physics', (target) => measureLatency(target, LATENCY_LOAD));
  report({
    group: GROUP,
    name: `baseline (Colyseus ws + schema + Rapier): input-to-ack p50/p99 at ${LATENCY_LOAD.bots} bots`,
    value: latency.p99Ms,
    unit: `ms p99, p50 ${ms(latency.p50Ms)}`,
    target: '',
    note:
      `${SETUP}. Input-to-ack: from sending input S to the first decoded state change whose ack for the bot's ` +
      `player is ≥ S. ${(LATENCY_LOAD.warmupMs / 1000).toFixed(0)} s warm-up, then ` +
      `${(LATENCY_LOAD.measureMs / 1000).toFixed(0)} s measured: ${describeLoad(latency)}; ${latency.joinFailures} ` +
      `failed joins, ${latency.disconnects} disconnects`,
  });

  const capacity = await withBaselineServer('physics', (target) => findCapacity(target, CAPACITY_SEARCH));
  const { plan } = CAPACITY_SEARCH;
  report({
    group: GROUP,
    name: 'baseline (Colyseus ws + schema + Rapier): most bots at p99 ≤ 100 ms',
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

  const kinematic = await withBaselineServer('kinematic', (target) => findCapacity(target, CAPACITY_SEARCH));
  report({
    group: GROUP,
    name: 'baseline without a physics engine (kinematic rules): most bots at p99 ≤ 100 ms',
    value: kinematic.capacity,
    unit: 'bots',
    target: '',
    note:
      `${KINEMATIC_SETUP}. For reference: what a room costs when its game is a few lines of rules, so the bots ` +
      `and the networking are nearly all the work. The same search; limit: ${describeLimit(kinematic)}. Steps: ` +
      kinematic.probes.map(describeProbe).join('; '),
  });

  const memory = await withBaselineServer('physics', (target) => measureMemoryPerClient(target, MEMORY_LOAD));
  report({
    group: GROUP,
    name: 'baseline (Colyseus ws + schema + Rapier): server memory per client',
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

  const tick = 1000 / TICK_RATE;
  const pfLatency = await withPacketflowBackend(BOT_PROCESSES, (target) => measureLatency(target, LATENCY_LOAD));
  report({
    group: GROUP,
    name: `PacketFlow: input-to-snapshot p50/p99 at ${LATENCY_LOAD.bots} bots in 25 matches`,
    value: pfLatency.p99Ms,
    unit: `ms p99, p50 ${ms(pfLatency.p50Ms)}`,
    target: `p99 ≤ 2 ticks (${ms(2 * tick)})`,
    met: atMost(pfLatency.p99Ms, 2 * tick),
    note:
      `${PACKETFLOW_SETUP}; ${LAYOUT_NOTES.separate}. Input-to-snapshot: from sending input S to the first snapshot whose ack for the bot's ` +
      `entity is ≥ S. ${(LATENCY_LOAD.warmupMs / 1000).toFixed(0)} s warm-up, then ` +
      `${(LATENCY_LOAD.measureMs / 1000).toFixed(0)} s measured: ${describeLoad(pfLatency)}; ` +
      `${pfLatency.joinFailures} failed joins, ${pfLatency.disconnects} disconnects; server CPU is the four ` +
      `processes together. The baseline in the same run: p50 ${ms(latency.p50Ms)}, p99 ${ms(latency.p99Ms)}`,
  });

  const capacities = { separate: 0, together: 0 };
  for (const layout of ['separate', 'together'] as const) {
    const found = await withPacketflowBackend(
      BOT_PROCESSES,
      (target) => findCapacity(target, CAPACITY_SEARCH),
      'all',
      layout,
    );
    capacities[layout] = found.capacity;
    report({
      group: GROUP,
      name: `PacketFlow (${LAYOUT_WORDS[layout]}): most bots at p99 ≤ 100 ms (20 inputs/s, 30 Hz snapshots)`,
      value: found.capacity,
      unit: 'bots',
      target: '',
      note:
        `${PACKETFLOW_SETUP}; ${LAYOUT_NOTES[layout]}. The baseline's procedure: steps of ${plan.step} bots, the gap ` +
        `halved down to ${plan.finest}, each step ${(CAPACITY_SEARCH.warmupMs / 1000).toFixed(0)} s warm-up then ` +
        `${(CAPACITY_SEARCH.measureMs / 1000).toFixed(0)} s measured. Limit: ${describeLimit(found)}. Steps: ` +
        found.probes.map(describeProbe).join('; '),
    });
  }
  const best = capacities.together > capacities.separate ? 'together' : 'separate';
  const pfCapacity = { capacity: capacities[best] };

  const ratio = pfCapacity.capacity / Math.max(1, capacity.capacity);
  const botCpuPerBot = (load: typeof latency) => load.botCpuPercent.reduce((a, b) => a + b, 0) / load.bots;
  const pfBotCpu = botCpuPerBot(pfLatency);
  const targetBots = 3 * capacity.capacity;
  const machineCpu = 100 * availableParallelism();
  report({
    group: GROUP,
    name: 'bots held by PacketFlow ÷ by the plain Colyseus room doing the same work (capacity, reported only)',
    value: ratio,
    unit: '×',
    target: '',
    note:
      'Not a headline: the bots cost about as much CPU as the servers and share the same two cores, so this ' +
      'ratio measures the bots as much as the servers (issue 15); the headline is server CPU per client-second ' +
      `in the cpu group. ${pfCapacity.capacity} (${LAYOUT_WORDS[best]}) ÷ ${capacity.capacity} bots at p99 ≤ 100 ms, measured in this ` +
      `run with the same ` +
      `procedure on the same machine, the bots sharing its two cores with the servers (the capacity notes give ` +
      `the CPU each side used); against the kinematic room, ${pfCapacity.capacity} ÷ ${kinematic.capacity}. Server ` +
      `CPU per client at ${LATENCY_LOAD.bots} bots: PacketFlow's four processes ` +
      `${(pfLatency.serverCpuPercent / pfLatency.bots).toFixed(3)} % of a core, the baseline's one ` +
      `${(latency.serverCpuPercent / latency.bots).toFixed(3)} %; bots ` +
      `${pfBotCpu.toFixed(3)} % and ` +
      `${botCpuPerBot(latency).toFixed(3)} % each. ` +
      `The ${targetBots} bots of the 3× this row was once held to would themselves take ` +
      `${(pfBotCpu * targetBots).toFixed(0)} % of a core at that cost, against the machine's ${machineCpu} %${
        pfBotCpu * targetBots >= machineCpu ? ': on this machine no server could show it' : ''
      }`,
  });

  const pfMemory = await withPacketflowBackend(
    BOT_PROCESSES,
    (target) => measureMemoryPerClient(target, MEMORY_LOAD),
    'gateway',
  );
  report({
    group: GROUP,
    name: 'PacketFlow: gateway memory per client',
    value: pfMemory.perClientKiB,
    unit: 'KiB/client',
    target: '',
    note:
      `${PACKETFLOW_SETUP}; ${LAYOUT_NOTES.separate}. Gateway VmRSS with ${pfMemory.bots} bots joined and sending for ` +
      `${(MEMORY_LOAD.settleMs / 1000).toFixed(0)} s, minus VmRSS with none (after ${MEMORY_LOAD.warmBots} bots ` +
      `joined and left), over ${pfMemory.bots}; no GC forced (the gateway takes no such request): ` +
      `${mib(pfMemory.idleRssKiB)} idle, ${mib(pfMemory.loadedRssKiB)} loaded. The baseline server in this run: ` +
      `${memory.perClientKiB.toFixed(0)} KiB/client`,
  });
}

// The cpu suite: what a studio pays for, server CPU per playing client, read from /proc for every server process
// at one fixed load in one run: PacketFlow in both layouts, the plain Colyseus room doing the same work, and a bare
// uWebSockets.js floor. CPU time holds on a noisy machine far better than latency or capacity, and does not depend
// on how much CPU the bots take, which is why the capacity ratio of the gateway suite cannot be the headline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Layout } from '@packetflow/launcher';
import { TICK_RATE } from '../baseline/simulation.js';
import { floorDriver } from '../floor/driver.js';
import { startFloorProcess } from '../floor/process.js';
import { INPUT_BYTES, ROOM_SIZE, STATE_BYTES } from '../floor/wire.js';
import { formatSummary, readCpuProfile, topFunctions } from '../profile/cpu-profile.js';
import {
  type PerfCategory,
  perfCategories,
  perfMissing,
  perfNodeFlags,
  recordPerf,
  removePerfMaps,
} from '../profile/perf-profile.js';
import { cpuProfileFlags, gatherProfiles, PROFILES_DIR } from '../profile/service-profiles.js';
import { atMost, type Figure } from '../report.js';
import { type LoadResult, measureLatency, type SwarmTarget } from '../swarm/procedure.js';
import { DEFAULT_INPUT_RATE } from '../swarm/swarm.js';
import {
  SETUP as BASELINE_SETUP,
  BOT_PROCESSES,
  describeLoad,
  LAYOUT_NOTES,
  LAYOUT_WORDS,
  withBaselineServer,
} from './gateway.js';
import { PACKETFLOW_SETUP, withPacketflowBackend } from './gateway-packetflow.js';
import type { SuiteOptions } from './index.js';

const GROUP = 'cpu';

/** 30 matches of 8: enough load that per-client cost dwarfs each server's idle cost, little enough for 2 cores. */
export const CPU_LOAD = { bots: 240, warmupMs: 5_000, measureMs: 15_000 } as const;
const TOP_FUNCTIONS = 15;
const HEADLINE_TARGET = 0.8;
const HEADLINE_GOAL = 0.5;
const FLOOR_TARGET = 1.3;
const REPO_ROOT = join(import.meta.dirname, '..', '..', '..', '..');

/** One server setup measured: the CPU each of its processes used over the window. */
interface Measured {
  processes: { name: string; cpuMs: number }[];
  load: LoadResult;
}

const totalMs = (m: Measured) => m.processes.reduce((sum, p) => sum + p.cpuMs, 0);
/** Server CPU ms over the window ÷ (bots × window seconds). */
const perClientSecond = (m: Measured, cpuMs = totalMs(m)) =>
  cpuMs / (Math.max(1, m.load.bots) * (m.load.serverWindowMs / 1000));
const ms = (value: number) => `${value.toFixed(2)} ms`;

function measuredFrom(names: string[], load: LoadResult): Measured {
  return { processes: names.map((name, i) => ({ name, cpuMs: load.serverCpuMs[i] ?? 0 })), load };
}

function byProcess(m: Measured): string {
  return m.processes.map((p) => `${p.name} ${ms(perClientSecond(m, p.cpuMs))}`).join(', ');
}

/** What the bots actually sent and got: a starved swarm asks less of the server than the nominal rates. */
function served(m: Measured): string {
  return (
    `inputs sent ${(m.load.inputRatio * 100).toFixed(0)} % of the rate, ` +
    `${m.load.snapshotsPerBotSecond.toFixed(1)} updates/s per bot`
  );
}

function windowWords(m: Measured): string {
  return (
    `${(CPU_LOAD.warmupMs / 1000).toFixed(0)} s warm-up, then ${(m.load.serverWindowMs / 1000).toFixed(1)} s ` +
    `measured; server CPU (user + system of every server process, /proc/<pid>/stat) over that window ÷ ` +
    `(${m.load.bots} bots × its seconds): ${describeLoad(m.load)}; ${m.load.joinFailures} failed joins, ` +
    `${m.load.disconnects} disconnects`
  );
}

/** How a run looks inside the servers: Node's inspector (`--profile`), Linux perf (`--perf`), or not at all. */
type Profiler = 'inspector' | 'perf' | undefined;

/** Runs the load on `target`; under perf, the server processes are sampled over the middle of the measured window. */
type LoadRunner = (target: SwarmTarget) => Promise<LoadResult>;

/**
 * Runs `measure` with every server process it starts under the profiler. Under the inspector, once they have exited
 * (writing their profiles), the profiles are gathered as `<prefix>-<process>.cpuprofile` and each process's top
 * functions over the measured window are printed; under perf, where their CPU time went, by category. `measure`
 * names the processes by pid in `services` and runs its load with the runner it is given.
 */
async function profiledWhen(
  profiler: Profiler,
  prefix: string,
  title: string,
  measure: (execArgv: string[], services: Map<number, string>, run: LoadRunner) => Promise<Measured>,
): Promise<Measured> {
  const plain: LoadRunner = (target) => measureLatency(target, CPU_LOAD);
  if (profiler === undefined) return measure([], new Map(), plain);
  const dir = mkdtempSync(join(tmpdir(), `bench-cpu-prof-${prefix}-`));
  try {
    const services = new Map<number, string>();
    if (profiler === 'inspector') {
      const measured = await measure(cpuProfileFlags(dir), services, plain);
      printProfiles(title, gatherProfiles(dir, services, prefix), measured.load);
      return measured;
    }
    const file = join(dir, 'perf.data');
    const measured = await measure(perfNodeFlags(dir), services, async (target) => {
      const load = measureLatency(target, CPU_LOAD);
      try {
        await new Promise((resolve) => setTimeout(resolve, CPU_LOAD.warmupMs + PERF_MARGIN_MS));
        await recordPerf(target.serverPids, (CPU_LOAD.measureMs - 2 * PERF_MARGIN_MS) / 1000, file);
      } finally {
        await load.catch(() => {});
      }
      return load;
    });
    try {
      printPerf(title, file, services, measured);
    } finally {
      removePerfMaps([...services.keys()]);
    }
    return measured;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** perf starts this long into the measured window and stops this long before its end. */
const PERF_MARGIN_MS = 1000;

/** Where the setup's CPU time went by category, then each process's on its own when it has several. */
function printPerf(title: string, file: string, services: ReadonlyMap<number, string>, m: Measured): void {
  const print = (heading: string, categories: PerfCategory[], total: number) => {
    console.log(`${heading}: ${ms(total)}`);
    for (const { category, share } of categories.filter((c) => c.share >= 0.005)) {
      console.log(`  ${(share * 100).toFixed(1).padStart(5)} %  ${ms(share * total).padStart(8)}  ${category}`);
    }
  };
  print(
    `\nWhere the CPU time of ${title} went (Linux perf, every thread, kernel included)`,
    perfCategories(file),
    perClientSecond(m),
  );
  if (services.size < 2) return;
  for (const [pid, name] of services) {
    const cpuMs = m.processes.find((p) => p.name === name)?.cpuMs ?? 0;
    print(`its ${name} process`, perfCategories(file, pid), perClientSecond(m, cpuMs));
  }
}

function measureBaseline(profiler: Profiler): Promise<Measured> {
  return profiledWhen(profiler, 'baseline', 'the baseline Colyseus room', (execArgv, services, run) =>
    withBaselineServer(
      'physics',
      async (target) => {
        services.set(target.serverPids[0]!, 'room');
        return measuredFrom(['baseline'], await run(target));
      },
      execArgv,
    ),
  );
}

async function measureFloor(): Promise<Measured> {
  const floor = await startFloorProcess();
  try {
    const load = await measureLatency(
      {
        driver: floorDriver,
        endpoint: floor.endpoint,
        serverPids: [floor.pid],
        processes: BOT_PROCESSES,
        inputRate: DEFAULT_INPUT_RATE,
      },
      CPU_LOAD,
    );
    return measuredFrom(['floor'], load);
  } finally {
    await floor.stop();
  }
}

/** One PacketFlow layout, each process by its node id. */
function measurePacketflow(layout: Layout, profiler: Profiler): Promise<Measured> {
  return profiledWhen(profiler, layout, `PacketFlow (${LAYOUT_WORDS[layout]})`, (execArgv, services, run) =>
    withPacketflowBackend(
      BOT_PROCESSES,
      async (target, backend) => {
        for (const child of backend.processes) services.set(child.pid, child.name);
        const load = await run(target);
        return measuredFrom(
          backend.processes.map((child) => child.name),
          load,
        );
      },
      'all',
      layout,
      execArgv,
    ),
  );
}

function printProfiles(title: string, profiles: { service: string; path: string }[], load: LoadResult): void {
  console.log(
    `\nCPU profiles of ${title} in ${PROFILES_DIR}, top ${TOP_FUNCTIONS} functions by self time over the ` +
      'measured window:',
  );
  for (const { path } of profiles) {
    const summary = topFunctions(readCpuProfile(path), {
      count: TOP_FUNCTIONS,
      root: REPO_ROOT,
      window: load.monotonicUs,
    });
    console.log(formatSummary(basename(path, '.cpuprofile'), summary).join('\n'));
  }
  console.log('');
}

const LOAD_WORDS =
  `${CPU_LOAD.bots} bots in ${CPU_LOAD.bots / ROOM_SIZE} rooms of ${ROOM_SIZE}, ${DEFAULT_INPUT_RATE} inputs/s ` +
  `and ${TICK_RATE} state messages/s each, over ${BOT_PROCESSES} bot processes on this machine`;

const FLOOR_SETUP =
  `bare uWebSockets.js (the native build, bench/src/floor): clients in rooms of ${ROOM_SIZE}, each room a ` +
  `${TICK_RATE} Hz timer at its own phase sending each client one ${STATE_BYTES}-byte binary message that ` +
  `echoes its last input sequence; ${INPUT_BYTES}-byte inputs read, nothing else; bots on the ws package`;

/** The layouts measured, in the order they run. */
const LAYOUTS_MEASURED = ['separate', 'together', 'single'] as const satisfies readonly Layout[];

/**
 * Rounds of every setup, one after another: a shared machine drifts by ±10 % within minutes, so a setup measured only
 * before or after another could win by the drift. Each figure is the setup's median round.
 */
const ROUNDS = 3;

type Setup = 'baseline' | (typeof LAYOUTS_MEASURED)[number] | 'floor';

/** The round whose figure is the median of the setup's rounds. */
function medianRound(rounds: readonly Measured[]): Measured {
  const sorted = [...rounds].sort((a, b) => perClientSecond(a) - perClientSecond(b));
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function cpuSuite(report: (figure: Figure) => void, options: SuiteOptions): Promise<void> {
  // A profiled run is for reading where the time goes: one round, its figures printed, not written down.
  const profiler: Profiler = options.perf ? 'perf' : options.profile ? 'inspector' : undefined;
  const missing = profiler === 'perf' ? perfMissing() : undefined;
  if (missing !== undefined) throw new Error(missing);
  const rounds = profiler === undefined ? ROUNDS : 1;
  const measured: Record<Setup, Measured[]> = { baseline: [], separate: [], together: [], single: [], floor: [] };
  for (let round = 0; round < rounds; round++) {
    measured.baseline.push(await measureBaseline(profiler));
    for (const layout of LAYOUTS_MEASURED) measured[layout].push(await measurePacketflow(layout, profiler));
    measured.floor.push(await measureFloor());
  }
  const baseline = medianRound(measured.baseline);
  const layouts = {} as Record<(typeof LAYOUTS_MEASURED)[number], Measured>;
  for (const layout of LAYOUTS_MEASURED) layouts[layout] = medianRound(measured[layout]);
  const floor = medianRound(measured.floor);
  const roundWords = (setup: Setup) => measured[setup].map((m) => perClientSecond(m).toFixed(2)).join(', ');

  const cost = (layout: (typeof LAYOUTS_MEASURED)[number]) => perClientSecond(layouts[layout]);
  const best = LAYOUTS_MEASURED.reduce((a, b) => (cost(b) < cost(a) ? b : a));
  const baselineCost = perClientSecond(baseline);
  const floorCost = perClientSecond(floor);
  const gatewayOf = (m: Measured) => m.processes.find((p) => p.name === 'gateway')?.cpuMs ?? 0;
  const gatewayCost = (layout: (typeof LAYOUTS_MEASURED)[number]) =>
    perClientSecond(layouts[layout], gatewayOf(layouts[layout]));
  // The gateway alone can be read only where it is a process of its own.
  const withGateway = LAYOUTS_MEASURED.filter((layout) => layouts[layout].processes.some((p) => p.name === 'gateway'));
  const gatewayLayout = withGateway.reduce((a, b) => (gatewayCost(b) < gatewayCost(a) ? b : a));
  const profiled =
    profiler === undefined
      ? ''
      : ` Profiled run (${profiler === 'perf' ? 'Linux perf' : '--cpu-prof'} in every server process but the floor).`;
  const figures =
    LAYOUTS_MEASURED.map(
      (layout) =>
        `PacketFlow (${LAYOUT_WORDS[layout]}) ${ms(cost(layout))} ` +
        `(${byProcess(layouts[layout])}; ${served(layouts[layout])})`,
    ).join('; ') +
    `; baseline ${ms(baselineCost)} (${served(baseline)}); uWS floor ${ms(floorCost)} (${served(floor)}). A server ` +
    'given fewer inputs or sending fewer updates than the rates does less work per client, so each says what its ' +
    'bots sent and got';
  const ratios = LAYOUTS_MEASURED.map(
    (layout) => `${LAYOUT_WORDS[layout]} ${(cost(layout) / baselineCost).toFixed(2)}×`,
  ).join(', ');

  const ratio = cost(best) / baselineCost;
  report({
    group: GROUP,
    name: 'headline: server CPU per client-second, PacketFlow ÷ the plain Colyseus room doing the same work',
    value: ratio,
    unit: '×',
    target: `≤ ${HEADLINE_TARGET}× (goal ${HEADLINE_GOAL}×)`,
    met: atMost(ratio, HEADLINE_TARGET),
    note:
      `PacketFlow's cheapest layout, ${LAYOUT_WORDS[best]}: ${ms(cost(best))} ÷ ${ms(baselineCost)} of ` +
      `CPU per client-second, all server processes counted, at ${LOAD_WORDS}, each setup measured in this run with ` +
      `a fresh server and swarm (${(CPU_LOAD.warmupMs / 1000).toFixed(0)} s warm-up, ` +
      `${(CPU_LOAD.measureMs / 1000).toFixed(0)} s measured), in ${rounds} round${rounds === 1 ? '' : 's'} of ` +
      `every setup one after another, each figure its setup's median round (ms per client-second by round: ` +
      `${LAYOUT_WORDS[best]} ${roundWords(best)}; baseline ${roundWords('baseline')}; floor ` +
      `${roundWords('floor')}). Each layout ÷ the baseline: ${ratios}. All figures: ${figures}.${profiled}`,
  });

  const gatewayRatio = gatewayCost(gatewayLayout) / floorCost;
  report({
    group: GROUP,
    name: 'gateway process alone ÷ bare uWebSockets.js floor, CPU per client-second',
    value: gatewayRatio,
    unit: '×',
    target: `≤ ${FLOOR_TARGET}×`,
    met: atMost(gatewayRatio, FLOOR_TARGET),
    note:
      `The gateway of PacketFlow (${LAYOUT_WORDS[gatewayLayout]}) ${ms(gatewayCost(gatewayLayout))} ÷ the ` +
      `floor ${ms(floorCost)}, at ${LOAD_WORDS}. The floor: ${FLOOR_SETUP}. The gateway in each layout where it is ` +
      `a process of its own: ${withGateway.map((layout) => `${LAYOUT_WORDS[layout]} ${ms(gatewayCost(layout))}`).join(', ')}. ` +
      `All figures: ${figures}.${profiled}`,
  });

  for (const layout of LAYOUTS_MEASURED) {
    const m = layouts[layout];
    report({
      group: GROUP,
      name: `PacketFlow (${LAYOUT_WORDS[layout]}): server CPU per client-second, all processes`,
      value: perClientSecond(m),
      unit: 'ms',
      target: '',
      note:
        `${PACKETFLOW_SETUP}; ${LAYOUT_NOTES[layout]}. By process: ${byProcess(m)}. ${windowWords(m)}. ` +
        `The baseline in this run: ${ms(baselineCost)}.${profiled}`,
    });
    for (const process of m.processes) {
      report({
        group: GROUP,
        name: `PacketFlow (${LAYOUT_WORDS[layout]}): ${process.name} process, CPU per client-second`,
        value: perClientSecond(m, process.cpuMs),
        unit: 'ms',
        target: '',
        note: `${process.cpuMs.toFixed(0)} ms of CPU over the window described in the row above; ${LOAD_WORDS}`,
      });
    }
  }

  report({
    group: GROUP,
    name: 'baseline (Colyseus ws + schema + Rapier): server CPU per client-second',
    value: baselineCost,
    unit: 'ms',
    target: '',
    note: `${BASELINE_SETUP}. ${windowWords(baseline)}`,
  });
  report({
    group: GROUP,
    name: 'bare uWebSockets.js floor: server CPU per client-second',
    value: floorCost,
    unit: 'ms',
    target: '',
    note: `${FLOOR_SETUP}; ${LOAD_WORDS}. ${windowWords(floor)}`,
  });
}

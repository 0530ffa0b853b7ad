import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActorSystem, LmdbStore } from '@packetflow/actors';
import { MATCH_KIND, type MatchMessage, matchHost } from '@packetflow/game-logic';
import {
  initPhysics,
  PHYSICS_KIND,
  type PhysicsActorState,
  type PhysicsEngine,
  type PhysicsMessage,
  type PhysicsWorldOptions,
  physicsRegistry,
  physicsWorldBehavior,
} from '@packetflow/physics';
import { Game, type JoinAcceptedMessage } from '@packetflow/protocol';
import { atMost, type Figure } from '../report.js';

const GROUP = 'game-logic';
const MATCHES = 1_000;
const FITTING_MATCHES = 300;
const PLAYERS = 2;
const TICK_RATE = 30;
const WARMUP_MS = 3_000;
const MEASURE_MS = 10_000;
/** Joins in flight at once while the matches are created. */
const JOIN_CONCURRENCY = 100;
/** Target: p99 of the tick scheduler's lateness. */
const TARGET_JITTER_MS = 2;
/**
 * Physics normally runs on its own hosts; here it shares the process, so its worlds are kept small (no props, a
 * small arena) and the figures are about the game-logic host: tick scheduling, match actors, asks, checkpoints.
 */
const WORLD = { props: 0, arenaHalfSize: 8 } as const;

interface RunResult {
  matches: number;
  checkpointEveryTicks: number;
  setupMs: number;
  ticks: number;
  skipped: number;
  p50: number;
  p99: number;
  max: number;
  cpuMs: number;
  wallMs: number;
  /** Physics steps (one per match-tick that ran) during the window. */
  steps: number;
  /** Time inside the in-process physics steps and world snapshots during the window. */
  stepMs: number;
  snapshots: number;
  snapshotMs: number;
  inputsSent: number;
  deadLetters: number;
  askTimeouts: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One host: physics and match kinds on one system, `matches` matches of 2 players fed an input each per tick. */
async function run(
  engine: PhysicsEngine,
  checkpointEveryTicks: number | undefined,
  matches = MATCHES,
): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'packetflow-bench-game-logic-'));
  const store = LmdbStore.open({ path: dir });
  const system = await ActorSystem.start({ nodeId: 'bench' });
  let steps = 0;
  let stepNs = 0n;
  let snapshots = 0;
  let snapshotNs = 0n;
  try {
    // The real physics behavior, wrapped only to count the match-ticks that reached it and to time it, so the
    // in-process physics can be told apart from the game-logic host's own cost.
    const physics = physicsWorldBehavior({ engine, world: () => WORLD });
    const step = physics.handlers.PhysicsStepRequest!;
    const snapshot = physics.handlers.PhysicsTakeSnapshot!;
    system.register<PhysicsActorState, PhysicsMessage, PhysicsWorldOptions>(PHYSICS_KIND, {
      ...physics,
      handlers: {
        ...physics.handlers,
        PhysicsStepRequest: (msg, ctx) => {
          const start = process.hrtime.bigint();
          const reply = step(msg, ctx);
          stepNs += process.hrtime.bigint() - start;
          steps++;
          return reply;
        },
        PhysicsTakeSnapshot: (msg, ctx) => {
          const start = process.hrtime.bigint();
          const reply = snapshot(msg, ctx);
          snapshotNs += process.hrtime.bigint() - start;
          snapshots++;
          return reply;
        },
      },
    });
    const scheduler = matchHost(system, {
      store,
      registry: physicsRegistry(),
      tickRate: TICK_RATE,
      ...(checkpointEveryTicks === undefined ? {} : { checkpointEveryTicks }),
    });

    const setupStart = performance.now();
    const matchIds = Array.from({ length: matches }, (_, i) => `bench-${i}`);
    const players = matchIds.flatMap((matchId) =>
      Array.from({ length: PLAYERS }, (_, p) => ({
        matchId,
        playerId: `${matchId}-p${p}`,
        ref: system.ref<MatchMessage>(MATCH_KIND, matchId),
        sequence: 0,
        phase: p * Math.PI,
      })),
    );
    for (let i = 0; i < players.length; i += JOIN_CONCURRENCY) {
      await Promise.all(
        players.slice(i, i + JOIN_CONCURRENCY).map((p) =>
          system.send<JoinAcceptedMessage, MatchMessage>(p.ref, {
            type: 'JoinMatch',
            body: new Game.JoinMatchT(p.matchId, p.playerId, null),
          }),
        ),
      );
    }
    const setupMs = performance.now() - setupStart;

    // Every player sends one input per tick period, its direction turning slowly so bodies keep moving.
    let inputsSent = 0;
    const feed = setInterval(() => {
      for (const p of players) {
        const seq = ++p.sequence;
        const angle = seq / 20 + p.phase;
        system.tell<MatchMessage>(p.ref, {
          type: 'PlayerInput',
          body: new Game.PlayerInputT(
            p.playerId,
            new Game.ClientInputT(seq, seq, new Game.Vec2T(Math.cos(angle), Math.sin(angle)), null, 0),
          ),
        });
      }
      inputsSent += players.length;
    }, 1000 / TICK_RATE);

    await sleep(WARMUP_MS);
    globalThis.gc?.();
    const stats = scheduler.stats;
    const ticks0 = stats.ticks;
    const skipped0 = stats.skipped;
    const steps0 = steps;
    const stepNs0 = stepNs;
    const snapshots0 = snapshots;
    const snapshotNs0 = snapshotNs;
    const inputs0 = inputsSent;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await sleep(MEASURE_MS);
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - wall0;
    const ticks = stats.ticks - ticks0;
    const lateness = stats.lateness.slice(-ticks).sort((a, b) => a - b);
    clearInterval(feed);
    return {
      matches,
      checkpointEveryTicks: checkpointEveryTicks ?? TICK_RATE,
      setupMs,
      ticks,
      skipped: stats.skipped - skipped0,
      p50: percentile(lateness, 0.5),
      p99: percentile(lateness, 0.99),
      max: lateness.at(-1) ?? Number.NaN,
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs,
      steps: steps - steps0,
      stepMs: Number(stepNs - stepNs0) / 1e6,
      snapshots: snapshots - snapshots0,
      snapshotMs: Number(snapshotNs - snapshotNs0) / 1e6,
      inputsSent: inputsSent - inputs0,
      deadLetters: system.stats.deadLetters,
      askTimeouts: system.stats.askTimeouts,
    };
  } finally {
    await system.shutdown({ drainTimeoutMs: 5_000 });
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const us = (ms: number, count: number) => ((ms * 1000) / Math.max(1, count)).toFixed(1);

function jitterNote(r: RunResult): string {
  const period = 1000 / TICK_RATE;
  const work = (r.cpuMs / Math.max(1, r.steps)) * r.matches;
  return (
    `${r.matches} matches × ${PLAYERS} players at ${TICK_RATE} Hz, an input per player per tick, physics in-process ` +
    `(props 0, arena ±${WORLD.arenaHalfSize} m), LMDB checkpoints every ${r.checkpointEveryTicks} match-ticks; ` +
    `${(MEASURE_MS / 1000).toFixed(0)} s after ${(WARMUP_MS / 1000).toFixed(0)} s warm-up: ${r.ticks} ticks run, ` +
    `${r.skipped} skipped; lateness p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(2)} ms; ` +
    `${r.steps.toLocaleString('en-US')} of ${(r.ticks * r.matches).toLocaleString('en-US')} match-ticks ran; ` +
    `process CPU ${((r.cpuMs / r.wallMs) * 100).toFixed(0)} % of one core; one tick's work for all matches ` +
    `≈ ${work.toFixed(1)} ms per ${period.toFixed(1)} ms period${work > period ? ' (the host is saturated: ticks queue behind the last one)' : ''}`
  );
}

function cpuNote(r: RunResult): string {
  const perTick = (r.cpuMs * 1000) / Math.max(1, r.steps);
  const hostOnly = ((r.cpuMs - r.stepMs - r.snapshotMs) * 1000) / Math.max(1, r.steps);
  const fits = (us: number) => Math.floor(1e6 / TICK_RATE / us).toLocaleString('en-US');
  return (
    `process CPU (user + system, LMDB's writer thread included) / match-ticks run; of it the in-process physics ` +
    `step ${us(r.stepMs, r.steps)} µs and ${r.snapshots.toLocaleString('en-US')} world snapshots for checkpoints ` +
    `${us(r.snapshotMs, r.steps)} µs, leaving ${hostOnly.toFixed(1)} µs for the game-logic host itself (actors, ` +
    `asks, inputs, scoring, snapshots built, checkpoint encode and write, GC, the bench's input feeder); one core ` +
    `fits ${fits(perTick)} matches at ${TICK_RATE} Hz with physics in-process, ${fits(hostOnly)} without; ` +
    `${(r.setupMs / 1000).toFixed(1)} s to create the matches; ${r.deadLetters} dead letters, ` +
    `${r.askTimeouts} ask timeouts`
  );
}

export async function gameLogicSuite(report: (figure: Figure) => void): Promise<void> {
  const engine = await initPhysics();
  for (const every of [undefined, 10 * TICK_RATE]) {
    const r = await run(engine, every);
    const label = every === undefined ? 'checkpoint every 1 s (default)' : 'checkpoint every 10 s';
    report({
      group: GROUP,
      name: `tick jitter p99, ${MATCHES.toLocaleString('en-US')} matches on one host, ${label}`,
      value: r.p99,
      unit: 'ms',
      target: `≤ ${TARGET_JITTER_MS} ms`,
      met: atMost(r.p99, TARGET_JITTER_MS),
      note: jitterNote(r),
    });
    report({
      group: GROUP,
      name: `CPU per match-tick, ${label}`,
      value: (r.cpuMs * 1000) / Math.max(1, r.steps),
      unit: 'µs',
      target: '',
      note: cpuNote(r),
    });
  }
  // The same host with as many matches as this 2-core machine can step in-process, for the jitter of a host that
  // is not saturated.
  const fitting = await run(engine, undefined, FITTING_MATCHES);
  report({
    group: GROUP,
    name: `tick jitter p99, ${FITTING_MATCHES} matches on one host (fits the machine with physics in-process)`,
    value: fitting.p99,
    unit: 'ms',
    target: '',
    note: jitterNote(fitting),
  });
}

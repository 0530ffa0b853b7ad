import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ActorSystem, type DurableStore, LmdbStore, RedisStore } from '@packetflow/actors';
import { initPhysics, PHYSICS_KIND, physicsRegistry, physicsWorldBehavior } from '@packetflow/physics';
import { Game, type JoinAcceptedMessage, type Message } from '@packetflow/protocol';
import { metricSample, RedisServer } from '@packetflow/testing';
import { Registry } from 'prom-client';
import { MATCH_KIND, matchHost, matchMetrics, TickScheduler } from '../src/index.js';

/** Waits until `done()` holds; an interval keeps the test alive, as the scheduler's timer is unref'd. */
async function until(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const keepAlive = setInterval(() => {}, 1000);
  try {
    const deadline = Date.now() + 20_000;
    while (!(await done())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    clearInterval(keepAlive);
  }
}

/** A host of matches and their physics worlds on one system, its match metrics in a registry of its own. */
async function host(store: DurableStore) {
  const registry = new Registry();
  const system = await ActorSystem.start({ nodeId: 'metrics-host' });
  system.register(PHYSICS_KIND, physicsWorldBehavior());
  const scheduler = matchHost(system, {
    store,
    registry: physicsRegistry(),
    tickRate: 60,
    metrics: matchMetrics(registry),
  });
  const join = (matchId: string, playerId: string) =>
    system.send<JoinAcceptedMessage>(system.ref<Message>(MATCH_KIND, matchId), {
      type: 'JoinMatch',
      body: new Game.JoinMatchT(matchId, playerId, playerId, false),
    } as Message);
  const leave = (matchId: string, playerId: string) =>
    system.send(system.ref<Message>(MATCH_KIND, matchId), {
      type: 'LeaveMatch',
      body: new Game.LeaveMatchT(matchId, playerId),
    } as Message);
  return { registry, system, scheduler, join, leave };
}

const LATENESS = 'packetflow_match_tick_lateness_seconds';
const SKIPPED = 'packetflow_match_ticks_skipped_total';
const CHECKPOINT_DURATION = 'packetflow_match_checkpoint_duration_seconds';
const CHECKPOINT_SIZE = 'packetflow_match_checkpoint_size_bytes';
const ACTIVE = 'packetflow_matches_active';

describe('match metrics', () => {
  let dir: string;
  let lmdb: LmdbStore;
  before(async () => {
    await initPhysics();
    dir = mkdtempSync(joinPath(tmpdir(), 'game-logic-metrics.'));
    lmdb = LmdbStore.open({ path: dir });
  });
  after(async () => {
    await lmdb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('count matches ticking, the tick timer runs and every checkpoint written', async () => {
    const { registry, system, scheduler, join, leave } = await host(lmdb);
    assert.equal(await metricSample(registry, ACTIVE), 0);
    await join('metrics-1', 'p1');
    await join('metrics-2', 'p2');
    assert.equal(await metricSample(registry, ACTIVE), 2);
    // A checkpoint is written on each join, then every second's worth of ticks.
    await until(
      async () =>
        (await metricSample(registry, CHECKPOINT_DURATION, { sampleName: `${CHECKPOINT_DURATION}_count` })) >= 3,
      'a periodic checkpoint',
    );
    const runs = scheduler.stats.ticks;
    assert.ok(runs > 0);
    const lateness = await metricSample(registry, LATENESS, { sampleName: `${LATENESS}_count` });
    assert.ok(lateness >= runs, `a lateness per timer run: ${lateness} observed, ${runs} runs before`);
    const checkpoints = await metricSample(registry, CHECKPOINT_SIZE, { sampleName: `${CHECKPOINT_SIZE}_count` });
    assert.equal(
      checkpoints,
      await metricSample(registry, CHECKPOINT_DURATION, { sampleName: `${CHECKPOINT_DURATION}_count` }),
    );
    const bytes = await metricSample(registry, CHECKPOINT_SIZE, { sampleName: `${CHECKPOINT_SIZE}_sum` });
    assert.ok(bytes / checkpoints > 1000, `a checkpoint holds a world snapshot: ${bytes / checkpoints} bytes`);

    await leave('metrics-1', 'p1');
    assert.equal(await metricSample(registry, ACTIVE), 1);
    await leave('metrics-2', 'p2');
    assert.equal(await metricSample(registry, ACTIVE), 0);
    await system.shutdown();
  });

  test('count the ticks a match drops behind a backlog: its store write held up a join while the clock ran on', async () => {
    const redis = await RedisServer.start();
    const store = new RedisStore({ url: redis.url, prefix: 'metrics:' });
    const { registry, system, scheduler, join } = await host(store);
    try {
      await join('backlog', 'p1');
      assert.equal(await metricSample(registry, SKIPPED, { labels: { cause: 'backlog' } }), 0);
      await redis.kill();
      // The join waits for its checkpoint, which waits for Redis; the ticks told meanwhile queue behind it.
      let joined = false;
      const second = join('backlog', 'p2').then(() => {
        joined = true;
      });
      const from = scheduler.currentTick;
      await until(() => scheduler.currentTick >= from + 5, 'five ticks while the join waits');
      assert.equal(joined, false, 'the join still waits for its checkpoint');
      await redis.restart();
      await second;
      await until(
        async () => (await metricSample(registry, SKIPPED, { labels: { cause: 'backlog' } })) >= 3,
        'the queued ticks dropped',
      );
    } finally {
      await system.shutdown();
      await store.close();
      await redis.stop();
    }
  });

  test('count the ticks the clock skips when its timer runs over a period late', async () => {
    const registry = new Registry();
    const metrics = matchMetrics(registry);
    const scheduler = new TickScheduler(100, undefined, 4, metrics);
    let ticked = 0;
    // One member in each of the four phases: a phase run skipped is one member tick skipped.
    for (let i = 0; i < 4; i++) scheduler.add({ tick: () => ticked++ });
    await until(() => ticked > 0, 'a first tick');
    const blockedUntil = performance.now() + 100;
    while (performance.now() < blockedUntil) {
      // The event loop is held, so the next timer run comes at least ten periods late.
    }
    await until(() => scheduler.stats.skipped > 0, 'the clock to skip');
    scheduler.stop();
    assert.equal(await metricSample(registry, SKIPPED, { labels: { cause: 'clock' } }), scheduler.stats.skipped);
    assert.equal(await metricSample(registry, LATENESS, { sampleName: `${LATENESS}_count` }), scheduler.stats.ticks);
    const late = await metricSample(registry, LATENESS, { sampleName: `${LATENESS}_sum` });
    assert.ok(late >= 0.1 - 0.01 * 2, `the late run's lateness is in seconds: ${late}`);
  });
});

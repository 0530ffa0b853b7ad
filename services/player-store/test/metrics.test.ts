// The player metrics over both backends, and each backend's readiness as the node's /readyz reports it.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ActorSystem } from '@packetflow/actors';
import { metricSample, RedisServer } from '@packetflow/testing';
import { Registry } from 'prom-client';
import {
  LmdbPlayerStorage,
  PlayerClient,
  PlayerRefusedError,
  type PlayerStorage,
  playerBehavior,
  playerMetrics,
  REFUSAL_REASONS,
  RedisPlayerStorage,
} from '../src/index.js';

let redis: RedisServer;
let tempRoot: string;
let counter = 0;
before(async () => {
  redis = await RedisServer.start();
  tempRoot = await mkdtemp(join(tmpdir(), 'packetflow-player-metrics-'));
});
after(async () => {
  await redis.stop();
  await rm(tempRoot, { recursive: true, force: true });
});

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const backends: { name: string; open(): PlayerStorage }[] = [
  { name: 'LMDB', open: () => new LmdbPlayerStorage({ path: join(tempRoot, `lmdb-${++counter}`) }) },
  { name: 'Redis', open: () => new RedisPlayerStorage({ url: redis.url, prefix: `m${++counter}:player:` }) },
];

const WRITES = 'packetflow_player_writes_total';
const DURATION = 'packetflow_player_write_duration_seconds';
const FAILURES = 'packetflow_player_write_failures_total';
const REFUSALS = 'packetflow_player_refusals_total';

for (const backend of backends) {
  describe(`player metrics on ${backend.name}`, () => {
    it('count acknowledged writes with their latency, refusals by reason, and writes that failed', async () => {
      const registry = new Registry();
      const storage = backend.open();
      const system = await ActorSystem.start({ nodeId: `metrics-${backend.name}` });
      system.register('player', playerBehavior(storage, { metrics: playerMetrics(registry) }));
      const client = new PlayerClient(system);
      const refusals = async (reason: string) => metricSample(registry, REFUSALS, { labels: { reason } });
      for (const reason of REFUSAL_REASONS) assert.equal(await refusals(reason), 0, `${reason} exported at 0`);

      await client.load('ada', 'Ada');
      await client.rename('ada', 'Ada L');
      await client.give('ada', { gem: 2 });
      await client.stats('ada');
      assert.equal(await metricSample(registry, WRITES), 3, 'the creation and two changes; a read is no write');
      assert.equal(await metricSample(registry, DURATION, { sampleName: `${DURATION}_count` }), 3);
      assert.ok((await metricSample(registry, DURATION, { sampleName: `${DURATION}_sum` })) > 0);

      await assert.rejects(client.rename('ada', ''), PlayerRefusedError);
      await assert.rejects(client.take('ada', { gem: 3 }), PlayerRefusedError);
      await assert.rejects(client.take('ada', { gem: 3 }), PlayerRefusedError);
      await assert.rejects(client.stats('nobody'), PlayerRefusedError);
      assert.equal(await refusals('invalid_name'), 1);
      assert.equal(await refusals('not_enough_items'), 2);
      assert.equal(await refusals('no_such_player'), 1);
      assert.equal(await refusals('conflict'), 0);
      assert.equal(await metricSample(registry, WRITES), 3, 'a refusal writes nothing');

      await storage.close();
      await assert.rejects(client.rename('ada', 'Ada K'));
      assert.equal(await metricSample(registry, FAILURES), 1);
      assert.equal(await metricSample(registry, WRITES), 3);
      await system.shutdown();
    });
  });
}

describe('player storage readiness', () => {
  it('LMDB is ready while open', async () => {
    const storage = new LmdbPlayerStorage({ path: join(tempRoot, 'ready') });
    assert.deepEqual(storage.readiness(), { ready: true });
    await storage.close();
    const closed = storage.readiness();
    assert.equal(closed.ready, false);
    assert.match(closed.ready ? '' : closed.reason, /player storage at .* is closed/);
  });

  it('Redis is ready while all its connections are up', async () => {
    const server = await RedisServer.start();
    const storage = new RedisPlayerStorage({ url: server.url, prefix: 'ready:player:' });
    try {
      await until(() => storage.readiness().ready, 'the connections up');
      await server.kill();
      await until(() => !storage.readiness().ready, 'the connections down');
      const down = storage.readiness();
      assert.match(down.ready ? '' : down.reason, /player storage unreachable: \d of 4 Redis connections \w+/);
      await server.restart();
      await until(() => storage.readiness().ready, 'the connections up again');
    } finally {
      await storage.close();
      await server.stop();
    }
  });
});

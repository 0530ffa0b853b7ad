// Player data survives crashes: the real service (dist/src/main.js) runs as a child process, many acknowledged
// writes go to it from a client node, and it is SIGKILLed mid-stream and started again on the same data; with
// Redis, redis-server itself (appendonly yes, appendfsync always) is SIGKILLed and restarted mid-stream too.
// Every acknowledged write must be there afterwards, and nothing more than was attempted.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningNode, startNode } from '@packetflow/actors';
import { RedisServer } from '@packetflow/testing';
import {
  LmdbPlayerStorage,
  PlayerClient,
  type PlayerStorage,
  playerRegistry,
  RedisPlayerStorage,
} from '../src/index.js';
import { freePort, quietLogger, ServiceProcess } from './support.js';

const SECRET = 'durability-test-secret-0123456789';
const PLAYERS = 24;
const ids = Array.from({ length: PLAYERS }, (_, i) => `hero-${i}`);

let tempRoot: string;
before(async () => {
  tempRoot = await mkdtemp(join(tmpdir(), 'packetflow-durable-'));
});
after(async () => {
  await rm(tempRoot, { recursive: true, force: true });
});

/** Per player: writes acknowledged and writes attempted (an unacknowledged one may or may not have landed). */
interface Tally {
  acked: number;
  attempted: number;
}

/** One writer per player, each adding 1 to score and giving 1 coin per write, until stopped. */
function startWriters(players: PlayerClient) {
  const tallies = new Map(ids.map((id) => [id, { acked: 0, attempted: 0 } as Tally]));
  let stopped = false;
  let total = 0;
  const loops = ids.map(async (id) => {
    const tally = tallies.get(id)!;
    while (!stopped) {
      tally.attempted++;
      try {
        await players.addStats(id, { score: 1 });
        await players.give(id, { coin: 1 });
        tally.acked++;
        total++;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20)); // the service or Redis is down: try again soon
      }
    }
  });
  return {
    tallies,
    acked: () => total,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every acknowledged write is stored; nothing beyond what was attempted is. */
async function check(storage: PlayerStorage, tallies: Map<string, Tally>): Promise<void> {
  for (const [id, { acked, attempted }] of tallies) {
    const record = await storage.load(id);
    assert.ok(record, `${id} is stored`);
    const score = record.stats.score;
    const coins = record.items.coin ?? 0;
    assert.ok(score >= acked && score <= attempted, `${id}: score ${score}, ${acked} acked, ${attempted} attempted`);
    assert.ok(coins >= acked && coins <= attempted, `${id}: ${coins} coins, ${acked} acked, ${attempted} attempted`);
  }
}

async function clientNode(env: Record<string, string>): Promise<RunningNode> {
  return startNode({
    env: { PACKETFLOW_SECRET: SECRET, ...env },
    register: () => {},
    registry: playerRegistry(),
    logger: quietLogger,
    handleSignals: false,
  });
}

describe('player data survives crashes', () => {
  it('LMDB: every acknowledged write is there after SIGKILLs of the service mid-stream', async () => {
    const dataDir = join(tempRoot, 'lmdb');
    const [storePort, clientPort] = [await freePort(), await freePort()];
    const peers = `store=127.0.0.1:${storePort}/player,client=127.0.0.1:${clientPort}`;
    const serviceEnv = {
      PACKETFLOW_NODE_ID: 'store',
      PACKETFLOW_PEERS: peers,
      PACKETFLOW_SECRET: SECRET,
      PACKETFLOW_DATA_DIR: dataDir,
    };
    let service = await ServiceProcess.start(serviceEnv);
    const client = await clientNode({ PACKETFLOW_NODE_ID: 'client', PACKETFLOW_PEERS: peers });
    const players = new PlayerClient(client.system, { timeoutMs: 5000 });
    try {
      await Promise.all(ids.map((id) => retry(() => players.load(id, id))));
      const writers = startWriters(players);
      for (let round = 1; round <= 2; round++) {
        const target = writers.acked() + 300;
        await until(() => writers.acked() >= target, `300 more acknowledged writes (round ${round})`);
        await service.kill('SIGKILL');
        service = await ServiceProcess.start(serviceEnv);
      }
      const target = writers.acked() + 300;
      await until(() => writers.acked() >= target, '300 acknowledged writes after the last restart');
      await writers.stop();
      await service.kill('SIGKILL');
      const storage = new LmdbPlayerStorage({ path: join(dataDir, 'players') });
      try {
        await check(storage, writers.tallies);
      } finally {
        await storage.close();
      }
    } finally {
      await client.stop();
      await service.kill('SIGKILL');
    }
  });

  it('Redis: every acknowledged write is there after SIGKILLs of the service and of redis-server mid-stream', async () => {
    const redis = await RedisServer.start({ appendonly: true, appendfsync: 'always' });
    const cluster = `durable-${process.pid}`;
    const common = { REDIS_URL: redis.url, PACKETFLOW_CLUSTER: cluster, PACKETFLOW_SECRET: SECRET };
    const serviceEnv = { ...common, PACKETFLOW_NODE_ID: 'store' };
    let service = await ServiceProcess.start(serviceEnv);
    const client = await clientNode({ ...common, PACKETFLOW_NODE_ID: 'client' });
    const players = new PlayerClient(client.system, { timeoutMs: 5000 });
    try {
      await Promise.all(ids.map((id) => retry(() => players.load(id, id))));
      const writers = startWriters(players);
      let target = writers.acked() + 300;
      await until(() => writers.acked() >= target, '300 acknowledged writes');
      await service.kill('SIGKILL');
      service = await ServiceProcess.start(serviceEnv);
      target = writers.acked() + 300;
      await until(() => writers.acked() >= target, '300 acknowledged writes after the service restart');
      await redis.restart(); // SIGKILL redis-server, start it again on its AOF
      target = writers.acked() + 300;
      await until(() => writers.acked() >= target, '300 acknowledged writes after the Redis restart');
      await writers.stop();
      await service.kill('SIGKILL');
      await redis.restart(); // and once more after the last write: all of it must come back from the AOF
      const storage = new RedisPlayerStorage({ url: redis.url, prefix: `${cluster}:player:` });
      try {
        await check(storage, writers.tallies);
      } finally {
        await storage.close();
      }
    } finally {
      await client.stop();
      await service.kill('SIGKILL');
      await redis.stop();
    }
  });
});

async function retry<T>(run: () => Promise<T>, attempts = 200): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActorSystem } from '@packetflow/actors';
import {
  LmdbPlayerStorage,
  PlayerClient,
  type PlayerStorage,
  playerBehavior,
  RedisPlayerStorage,
} from '@packetflow/player-store';
import { PLAYER_KIND } from '@packetflow/protocol';
import { RedisServer } from '@packetflow/testing';
import { atLeast, type Figure } from '../report.js';

const GROUP = 'player-store';
const PLAYERS = 1000;
const THROUGHPUT_MS = 3000;
const LATENCY_WRITES = 2000;

interface Measured {
  writesPerSecond: number;
  p99Ms: number;
  p50Ms: number;
}

/**
 * Through the Player actor, as a service uses it: `PLAYERS` players each write (AddPlayerStats) in a loop for
 * `THROUGHPUT_MS`, every write acknowledged by the store before the next; then one player writes alone, one write at
 * a time, for the latency of one acknowledged write.
 */
async function measure(storage: PlayerStorage): Promise<Measured> {
  const system = await ActorSystem.start();
  system.register(PLAYER_KIND, playerBehavior(storage));
  const players = new PlayerClient(system, { timeoutMs: 10_000 });
  try {
    const ids = Array.from({ length: PLAYERS }, (_, i) => `bench-${i}`);
    await Promise.all(ids.map((id) => players.load(id, 'Bench')));
    let acked = 0;
    const deadline = performance.now() + THROUGHPUT_MS;
    const start = performance.now();
    await Promise.all(
      ids.map(async (id) => {
        while (performance.now() < deadline) {
          await players.addStats(id, { score: 1, xp: 2 });
          acked++;
        }
      }),
    );
    const writesPerSecond = acked / ((performance.now() - start) / 1000);
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_WRITES; i++) {
      const t = performance.now();
      await players.addStats('bench-0', { score: 1 });
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    return { writesPerSecond, p99Ms: at(0.99), p50Ms: at(0.5) };
  } finally {
    await system.shutdown();
  }
}

export async function playerStoreSuite(report: (figure: Figure) => void): Promise<void> {
  // Persisting as production should: AOF with appendfsync always.
  const redis = await RedisServer.start({ appendonly: true, appendfsync: 'always' });
  const storage = new RedisPlayerStorage({ url: redis.url, prefix: 'bench:player:' });
  let redisResult: Measured;
  try {
    redisResult = await measure(storage);
  } finally {
    await storage.close();
    await redis.stop();
  }
  report({
    group: GROUP,
    name: 'acknowledged writes, Redis (AOF, appendfsync always)',
    value: redisResult.writesPerSecond,
    unit: 'writes/s',
    target: '≥ 20 k/s',
    met: atLeast(redisResult.writesPerSecond, 20_000),
    note: `${PLAYERS} players writing at once through their actors, the changes of one event-loop turn in one Lua script run per connection`,
  });
  report({
    group: GROUP,
    name: 'one acknowledged write, Redis: p99',
    value: redisResult.p99Ms,
    unit: 'ms',
    target: '',
    note: `one writer alone; p50 ${redisResult.p50Ms.toFixed(3)} ms`,
  });

  const dir = await mkdtemp(join(tmpdir(), 'packetflow-bench-lmdb-'));
  const lmdb = new LmdbPlayerStorage({ path: dir });
  let lmdbResult: Measured;
  try {
    lmdbResult = await measure(lmdb);
  } finally {
    await lmdb.close();
    await rm(dir, { recursive: true, force: true });
  }
  report({
    group: GROUP,
    name: 'acknowledged writes, embedded LMDB (fsync per commit)',
    value: lmdbResult.writesPerSecond,
    unit: 'writes/s',
    target: '',
    note: `${PLAYERS} players writing at once; the writes of one event-loop turn share a transaction and its fsync`,
  });
  report({
    group: GROUP,
    name: 'one acknowledged write, embedded LMDB: p99',
    value: lmdbResult.p99Ms,
    unit: 'ms',
    target: '',
    note: `one writer alone, one commit and fsync per write; p50 ${lmdbResult.p50Ms.toFixed(3)} ms`,
  });
}

// The PlayerStorage contract, run against both backends: a real LMDB file in a temporary directory and a real
// redis-server of the test's own.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RedisServer } from '@packetflow/testing';
import {
  LmdbPlayerStorage,
  MAX_STATS_KEYS,
  newPlayer,
  type PlayerRefusedError,
  type PlayerStorage,
  playerStorageFromEnv,
  RedisPlayerStorage,
} from '../src/index.js';
import { storedInLmdb } from './support.js';

let redis: RedisServer;
let tempRoot: string;
let counter = 0;
before(async () => {
  redis = await RedisServer.start();
  tempRoot = await mkdtemp(join(tmpdir(), 'packetflow-players-'));
});
after(async () => {
  await redis.stop();
  await rm(tempRoot, { recursive: true, force: true });
});

/** Guest TTL of the expiry test: long enough that a record used every few polls never reaches it on a busy machine. */
const SHORT_GUEST_TTL_MS = 1500;

const backends: {
  name: string;
  place(options?: { guestTtlMs: number }): () => PlayerStorage;
  /** Whether the record is still stored, without using it (a load would push its expiry back). */
  isStored(storage: PlayerStorage, playerId: string): Promise<boolean>;
}[] = [
  {
    name: 'LmdbPlayerStorage',
    place: (options) => {
      const path = join(tempRoot, `lmdb-${++counter}`);
      return () => new LmdbPlayerStorage({ path, ...options, guestSweepIntervalMs: 20 });
    },
    isStored: async (storage, playerId) =>
      (await storedInLmdb((storage as LmdbPlayerStorage).path, [playerId])).length === 1,
  },
  {
    name: 'RedisPlayerStorage',
    place: (options) => {
      const prefix = `t${++counter}:player:`;
      return () => new RedisPlayerStorage({ url: redis.url, prefix, ...options });
    },
    isStored: async (storage, playerId) => {
      const redisStorage = storage as RedisPlayerStorage;
      return (await redisStorage.client.exists(redisStorage.keyOf(playerId))) === 1;
    },
  },
];

const refusal = (code: string) => (error: unknown) => (error as PlayerRefusedError).reason === code;

for (const backend of backends) {
  describe(`PlayerStorage contract: ${backend.name}`, () => {
    async function withStorage(run: (storage: PlayerStorage) => Promise<void>): Promise<void> {
      const storage = backend.place()();
      try {
        await run(storage);
      } finally {
        await storage.close();
      }
    }

    it('loads nothing for an unknown player, then what create stored', () =>
      withStorage(async (storage) => {
        assert.equal(await storage.load('p1'), undefined);
        const created = await storage.create(newPlayer('p1', 'Ada', 1_700_000_000_123));
        assert.deepEqual(created, newPlayer('p1', 'Ada', 1_700_000_000_123));
        assert.deepEqual(await storage.load('p1'), created);
      }));

    it('create keeps the first player when it already exists', () =>
      withStorage(async (storage) => {
        await storage.create(newPlayer('p1', 'First', 1));
        const again = await storage.create(newPlayer('p1', 'Second', 2));
        assert.equal(again.name, 'First');
        assert.equal(again.createdAtMs, 1);
      }));

    it('applies a change of name, stats and items at once and bumps the version', () =>
      withStorage(async (storage) => {
        await storage.create(newPlayer('p1', 'Ada', 5));
        await storage.apply(
          'p1',
          1,
          { name: 'Bea', stats: { matches: 1, score: 10, xp: 100 }, items: { sword: 2 } },
          'a',
        );
        await storage.apply('p1', 2, { stats: { matches: 1, score: 5, xp: 0 }, items: { sword: -2, shield: 1 } }, 'b');
        assert.deepEqual(await storage.load('p1'), {
          playerId: 'p1',
          name: 'Bea',
          createdAtMs: 5,
          stats: { matches: 2, score: 15, xp: 100 },
          items: { shield: 1 },
          version: 3,
          statsKeys: [],
        });
      }));

    it('refuses a change that would take more items than held, and applies none of it', () =>
      withStorage(async (storage) => {
        await storage.create(newPlayer('p1', 'Ada', 5));
        await storage.apply('p1', 1, { items: { gem: 1 } }, 'a');
        const before = await storage.load('p1');
        await assert.rejects(
          storage.apply(
            'p1',
            2,
            { name: 'X', stats: { matches: 1, score: 1, xp: 1 }, items: { coin: 5, gem: -2 } },
            'b',
          ),
          refusal('not_enough_items'),
        );
        assert.deepEqual(await storage.load('p1'), before);
      }));

    it('refuses a change made against another version (a conflict) and changes nothing', () =>
      withStorage(async (storage) => {
        await storage.create(newPlayer('p1', 'Ada', 5));
        await storage.apply('p1', 1, { name: 'Bea' }, 'a');
        await assert.rejects(storage.apply('p1', 1, { name: 'Cy' }, 'b'), refusal('conflict'));
        await assert.rejects(storage.apply('p1', 7, { name: 'Cy' }, 'c'), refusal('conflict'));
        assert.equal((await storage.load('p1'))?.name, 'Bea');
        assert.equal((await storage.load('p1'))?.version, 2);
      }));

    it('a retry of an applied change (same op id) is not applied twice', () =>
      withStorage(async (storage) => {
        await storage.create(newPlayer('p1', 'Ada', 5));
        await storage.apply('p1', 1, { stats: { matches: 0, score: 3, xp: 0 } }, 'op-1');
        await storage.apply('p1', 1, { stats: { matches: 0, score: 3, xp: 0 } }, 'op-1');
        assert.equal((await storage.load('p1'))?.stats.score, 3);
        assert.equal((await storage.load('p1'))?.version, 2);
      }));

    it('applies a stats change with a key once, whatever the version it is sent again with', () =>
      withStorage(async (storage) => {
        await storage.create(newPlayer('p1', 'Ada', 5));
        const win = { stats: { matches: 1, score: 3, xp: 3 }, statsKey: 'match:m1:1' };
        assert.equal(await storage.apply('p1', 1, win, 'op-1'), 'applied');
        // Sent again by a writer that never heard back: another op id, and against the version it last knew.
        assert.equal(await storage.apply('p1', 1, win, 'op-2'), 'already_applied');
        assert.equal(await storage.apply('p1', 2, win, 'op-3'), 'already_applied');
        assert.equal(await storage.apply('p1', 2, { ...win, statsKey: 'match:m1:2' }, 'op-4'), 'applied');
        const stored = await storage.load('p1');
        assert.deepEqual(stored?.stats, { matches: 2, score: 6, xp: 6 });
        assert.deepEqual(stored?.statsKeys, ['match:m1:1', 'match:m1:2']);
        assert.equal(stored?.version, 3);
      }));

    it(`keeps the last ${MAX_STATS_KEYS} stats keys, each with its change`, () =>
      withStorage(async (storage) => {
        await storage.create(newPlayer('p1', 'Ada', 5));
        const total = MAX_STATS_KEYS + 3;
        for (let i = 1; i <= total; i++) {
          const change = { stats: { matches: 1, score: 0, xp: 0 }, statsKey: `match:m${i}:1`, items: { gem: 1 } };
          assert.equal(await storage.apply('p1', i, change, `op-${i}`), 'applied');
        }
        const stored = await storage.load('p1');
        assert.equal(stored?.stats.matches, total);
        assert.equal(stored?.items.gem, total);
        assert.equal(stored?.statsKeys.length, MAX_STATS_KEYS);
        assert.equal(stored?.statsKeys[0], `match:m4:1`);
        assert.equal(stored?.statsKeys.at(-1), `match:m${total}:1`);
      }));

    it('refuses a change to a player that does not exist', () =>
      withStorage(async (storage) => {
        await assert.rejects(storage.apply('ghost', 1, { name: 'Boo' }, 'a'), refusal('no_such_player'));
        assert.equal(await storage.load('ghost'), undefined);
      }));

    it('keeps players apart and takes many concurrent writes', () =>
      withStorage(async (storage) => {
        const ids = Array.from({ length: 50 }, (_, i) => `player-${i}`);
        await Promise.all(ids.map((id) => storage.create(newPlayer(id, id, 0))));
        for (let version = 1; version <= 5; version++) {
          await Promise.all(
            ids.map((id, i) =>
              storage.apply(id, version, { stats: { matches: 0, score: i, xp: 0 } }, `${id}-${version}`),
            ),
          );
        }
        for (const [i, id] of ids.entries()) assert.equal((await storage.load(id))?.stats.score, 5 * i);
      }));

    it('refuses some changes of one turn and applies the others, each whole', () =>
      withStorage(async (storage) => {
        const ids = ['m0', 'm1', 'm2', 'm3'];
        await Promise.all(ids.map((id) => storage.create(newPlayer(id, id, 0))));
        await Promise.all(ids.map((id) => storage.apply(id, 1, { items: { gem: 2, coin: 1 } }, `${id}-give`)));
        const before = await Promise.all(ids.map((id) => storage.load(id)));
        const outcomes = await Promise.allSettled([
          storage.apply('m0', 2, { name: 'Zed', stats: { matches: 1, score: 2, xp: 3 }, items: { gem: -2 } }, 'x0'),
          storage.apply('m1', 1, { stats: { matches: 1, score: 1, xp: 1 } }, 'x1'),
          storage.apply('m2', 2, { stats: { matches: 1, score: 1, xp: 1 }, items: { coin: 1, gem: -3 } }, 'x2'),
          storage.apply('nobody', 1, { name: 'Nil' }, 'x3'),
          storage.apply('m3', 2, { items: { coin: -1, gem: 1 } }, 'x4'),
        ]);
        assert.deepEqual(
          outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as PlayerRefusedError).reason)),
          ['ok', 'conflict', 'not_enough_items', 'no_such_player', 'ok'],
        );
        const m0 = await storage.load('m0');
        assert.deepEqual(
          { ...m0, stats: { ...m0?.stats } },
          {
            playerId: 'm0',
            name: 'Zed',
            createdAtMs: 0,
            stats: { matches: 1, score: 2, xp: 3 },
            items: { coin: 1 },
            version: 3,
            statsKeys: [],
          },
        );
        assert.deepEqual(await storage.load('m1'), before[1]);
        assert.deepEqual(await storage.load('m2'), before[2]);
        assert.equal(await storage.load('nobody'), undefined);
        assert.deepEqual((await storage.load('m3'))?.items, { gem: 3 });
        assert.equal((await storage.load('m3'))?.version, 3);
      }));
    it('keeps unusual ids and item names intact', () =>
      withStorage(async (storage) => {
        const id = 'jöe:1/🙂 x';
        await storage.create(newPlayer(id, 'Jöe 🙂', 1));
        await storage.apply(id, 1, { items: { 'i:odd name': 2, ключ: 1 } }, 'a');
        assert.deepEqual((await storage.load(id))?.items, { 'i:odd name': 2, ключ: 1 });
      }));

    it('keeps what was written across a close and a reopen', async () => {
      const open = backend.place();
      const first = open();
      await first.create(newPlayer('p1', 'Ada', 5));
      await first.apply('p1', 1, { items: { gem: 3 } }, 'a');
      await first.close();
      const second = open();
      try {
        assert.deepEqual((await second.load('p1'))?.items, { gem: 3 });
      } finally {
        await second.close();
      }
    });

    it('forgets a guest record unused for longer than the guest TTL, keeps a guest in use and any other player', async () => {
      const storage = backend.place({ guestTtlMs: SHORT_GUEST_TTL_MS })();
      try {
        await Promise.all(['guest-idle', 'guest-busy', 'hero'].map((id) => storage.create(newPlayer(id, id, 0))));
        // guest-busy was created with guest-idle, so once guest-idle is gone it has outlived its first expiry
        const deadline = Date.now() + 30_000;
        let version = 1;
        for (let use = 0; await backend.isStored(storage, 'guest-idle'); use++) {
          if (Date.now() > deadline) assert.fail('guest-idle is still stored long after its TTL');
          if (use % 2 === 0) assert.ok(await storage.load('guest-busy'), 'guest-busy, loaded, is stored');
          else {
            await storage.apply('guest-busy', version, { stats: { matches: 0, score: 1, xp: 0 } }, `use-${use}`);
            version++;
          }
          await new Promise((resolve) => setTimeout(resolve, SHORT_GUEST_TTL_MS / 15));
        }
        assert.equal(await storage.load('guest-idle'), undefined);
        assert.equal((await storage.load('guest-busy'))?.stats.score, version - 1);
        assert.equal((await storage.load('hero'))?.name, 'hero');
        // gone for good: the id starts afresh
        assert.deepEqual(
          await storage.create(newPlayer('guest-idle', 'Again', 7)),
          newPlayer('guest-idle', 'Again', 7),
        );
      } finally {
        await storage.close();
      }
    });
  });
}

describe('playerStorageFromEnv', () => {
  it('chooses LMDB under <PACKETFLOW_DATA_DIR>/players without REDIS_URL', async () => {
    const dir = join(tempRoot, `env-${++counter}`);
    const storage = playerStorageFromEnv({ PACKETFLOW_DATA_DIR: dir, REDIS_URL: '' });
    try {
      assert.equal(storage.backend, 'lmdb');
      assert.equal((storage as LmdbPlayerStorage).path, join(dir, 'players'));
    } finally {
      await storage.close();
    }
  });

  it('chooses Redis with REDIS_URL: one hash per player under <cluster>:player:', async () => {
    const storage = playerStorageFromEnv({ REDIS_URL: redis.url, PACKETFLOW_CLUSTER: 'envc' });
    try {
      assert.equal(storage.backend, 'redis');
      await storage.create(newPlayer('p9', 'Nine', 9));
      const hash = await (storage as RedisPlayerStorage).client.hgetall('envc:player:p9');
      assert.equal(hash.name, 'Nine');
      assert.equal(hash.v, '1');
    } finally {
      await storage.close();
    }
  });

  it('keeps unused guest records for PACKETFLOW_GUEST_RECORD_TTL_MS, 31 days unless set, on either backend', async () => {
    const dir = join(tempRoot, `env-${++counter}`);
    const environments = [
      [{ PACKETFLOW_DATA_DIR: dir }, 31 * 24 * 60 * 60 * 1000],
      [{ PACKETFLOW_DATA_DIR: dir, PACKETFLOW_GUEST_RECORD_TTL_MS: '' }, 31 * 24 * 60 * 60 * 1000],
      [{ PACKETFLOW_DATA_DIR: dir, PACKETFLOW_GUEST_RECORD_TTL_MS: '90000' }, 90_000],
      [{ REDIS_URL: redis.url, PACKETFLOW_GUEST_RECORD_TTL_MS: '90000' }, 90_000],
    ] as const;
    for (const [env, ttl] of environments) {
      const storage = playerStorageFromEnv(env);
      try {
        assert.equal(storage.guestTtlMs, ttl);
      } finally {
        await storage.close();
      }
    }
  });

  it('refuses a PACKETFLOW_GUEST_RECORD_TTL_MS that is not a positive whole number of milliseconds', () => {
    for (const value of ['0', '-5', '1.5', '7d', ' 1000', '1e6', '99999999999999999']) {
      assert.throws(
        () =>
          playerStorageFromEnv({ PACKETFLOW_DATA_DIR: join(tempRoot, 'never'), PACKETFLOW_GUEST_RECORD_TTL_MS: value }),
        (error: Error) =>
          error.message.startsWith('PACKETFLOW_GUEST_RECORD_TTL_MS: ') && error.message.includes(JSON.stringify(value)),
        value,
      );
    }
  });

  it('refuses a REDIS_URL that is not one', () => {
    assert.throws(() => playerStorageFromEnv({ REDIS_URL: 'localhost:6379' }), /REDIS_URL: expected a redis:\/\//);
  });
});

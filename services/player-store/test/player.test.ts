// The Player actor on both backends, in one process: operations, write-through, and refusals that change nothing.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ActorSystem, RefusedError } from '@packetflow/actors';
import { RedisServer } from '@packetflow/testing';
import {
  addPlayerStats,
  giveItems,
  LmdbPlayerStorage,
  loadPlayer,
  PlayerClient,
  PlayerRefusedError,
  type PlayerStorage,
  playerBehavior,
  playerRegistry,
  RedisPlayerStorage,
  renamePlayer,
  takeItems,
} from '../src/index.js';

let redis: RedisServer;
let tempRoot: string;
let counter = 0;
before(async () => {
  redis = await RedisServer.start();
  tempRoot = await mkdtemp(join(tmpdir(), 'packetflow-player-'));
});
after(async () => {
  await redis.stop();
  await rm(tempRoot, { recursive: true, force: true });
});

const backends: { name: string; open(): PlayerStorage }[] = [
  { name: 'LMDB', open: () => new LmdbPlayerStorage({ path: join(tempRoot, `lmdb-${++counter}`) }) },
  { name: 'Redis', open: () => new RedisPlayerStorage({ url: redis.url, prefix: `a${++counter}:player:` }) },
];

function refusedWith(reason: string, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof PlayerRefusedError, `expected a PlayerRefusedError, got ${error}`);
    assert.ok(error instanceof RefusedError, 'a refusal like any other');
    assert.equal(error.reason, reason);
    assert.equal(error.message.startsWith(`${reason}:`), false, 'the reason travels beside the message, not in it');
    assert.match(error.message, pattern);
    return true;
  };
}

for (const backend of backends) {
  describe(`Player actor on ${backend.name}`, () => {
    async function withPlayers(run: (players: PlayerClient, storage: PlayerStorage) => Promise<void>) {
      const storage = backend.open();
      const system = await ActorSystem.start();
      system.register('player', playerBehavior(storage, { now: () => 1_700_000_000_000 }));
      try {
        await run(new PlayerClient(system, { timeoutMs: 5000 }), storage);
      } finally {
        await system.shutdown();
        await storage.close();
      }
    }

    it('creates a profile on first load and loads the same one afterwards', () =>
      withPlayers(async (players, storage) => {
        const created = await players.load('p1', 'Ada');
        assert.deepEqual(created, { playerId: 'p1', name: 'Ada', createdAtMs: 1_700_000_000_000 });
        assert.deepEqual(await players.load('p1', 'Other'), created);
        assert.equal((await players.load('p2')).name, 'Player');
        assert.equal((await storage.load('p1'))?.name, 'Ada');
      }));

    it('renames, adds stats and moves items, each written through before the reply', () =>
      withPlayers(async (players, storage) => {
        await players.load('p1', 'Ada');
        assert.equal((await players.rename('p1', 'Ada Lovelace')).name, 'Ada Lovelace');
        assert.equal((await storage.load('p1'))?.name, 'Ada Lovelace');
        assert.deepEqual(await players.addStats('p1', { matches: 1, score: 30, xp: 250 }), {
          matches: 1,
          score: 30,
          xp: 250,
        });
        assert.deepEqual(await players.addStats('p1', { score: 5 }), { matches: 1, score: 35, xp: 250 });
        assert.deepEqual((await storage.load('p1'))?.stats, { matches: 1, score: 35, xp: 250 });
        assert.deepEqual(await players.give('p1', { sword: 1, potion: 3 }), { potion: 3, sword: 1 });
        assert.deepEqual(await players.take('p1', { potion: 3 }), { sword: 1 });
        assert.deepEqual(await players.inventory('p1'), { sword: 1 });
        assert.deepEqual((await storage.load('p1'))?.items, { sword: 1 });
        assert.deepEqual(await players.stats('p1'), { matches: 1, score: 35, xp: 250 });
      }));

    it('adds keyed stats once: sent again after its reply was lost, it replies the totals unchanged', () =>
      withPlayers(async (players, storage) => {
        await players.load('p1', 'Ada');
        const win = { matches: 1, score: 4, xp: 4 };
        assert.deepEqual(await players.addStats('p1', win, 'match:m1:1'), win);
        assert.deepEqual(await players.addStats('p1', win, 'match:m1:1'), win);
        assert.deepEqual(await players.addStats('p1', win, 'match:m1:2'), { matches: 2, score: 8, xp: 8 });
        assert.deepEqual((await storage.load('p1'))?.stats, { matches: 2, score: 8, xp: 8 });
        await assert.rejects(players.addStats('p1', win, 'bad\nkey'), refusedWith('invalid_stats', /stats key/));
      }));

    it('adds keyed stats once when another writer applied them behind this actor', () =>
      withPlayers(async (players, storage) => {
        await players.load('p1', 'Ada');
        await players.addStats('p1', { matches: 1 }, 'match:m1:1');
        // The store moves ahead of the actor's state, as when a write's reply was lost on its way back.
        await storage.apply('p1', 2, { stats: { matches: 1, score: 9, xp: 9 }, statsKey: 'match:m2:1' }, 'other');
        assert.deepEqual(await players.addStats('p1', { matches: 1, score: 9, xp: 9 }, 'match:m2:1'), {
          matches: 2,
          score: 9,
          xp: 9,
        });
        assert.deepEqual(await players.stats('p1'), { matches: 2, score: 9, xp: 9 });
      }));

    it('refuses invalid operations with clear errors and changes nothing, in memory or in the store', () =>
      withPlayers(async (players, storage) => {
        await players.load('p1', 'Ada');
        await players.addStats('p1', { matches: 2, score: 10, xp: 7 });
        await players.give('p1', { gem: 2 });
        const stored = await storage.load('p1');

        await assert.rejects(players.rename('p1', ''), refusedWith('invalid_name', /1–32 printable/));
        await assert.rejects(players.rename('p1', 'x'.repeat(33)), refusedWith('invalid_name', /1–32/));
        await assert.rejects(players.rename('p1', 'bad\nname'), refusedWith('invalid_name', /printable/));
        await assert.rejects(players.rename('p1', ' padded '), refusedWith('invalid_name', /spaces/));
        await assert.rejects(players.addStats('p1', { score: -1 }), refusedWith('invalid_stats', /non-negative/));
        await assert.rejects(players.addStats('p1', { xp: Number.NaN }), refusedWith('invalid_stats', /finite/));
        await assert.rejects(players.addStats('p1', { xp: Infinity }), refusedWith('invalid_stats', /finite/));
        await assert.rejects(players.addStats('p1', { xp: 1.5 }), refusedWith('invalid_stats', /integer/));
        await assert.rejects(players.addStats('p1', { score: 4_294_967_295 }), refusedWith('invalid_stats', /exceed/));
        await assert.rejects(players.take('p1', { gem: 3 }), refusedWith('not_enough_items', /take 3 × gem: .* has 2/));
        await assert.rejects(players.take('p1', { coin: 1 }), refusedWith('not_enough_items', /has 0/));
        // all or nothing: the gem that is there is not taken because the coin is not
        await assert.rejects(players.take('p1', { gem: 1, coin: 1 }), refusedWith('not_enough_items', /coin/));
        await assert.rejects(players.give('p1', { gem: 0 }), refusedWith('invalid_items', /from 1 to/));
        await assert.rejects(players.give('p1', { gem: -1 }), refusedWith('invalid_items', /from 1 to/));
        await assert.rejects(players.give('p1', { '': 1 }), refusedWith('invalid_items', /item name/));
        await assert.rejects(players.give('p1', {}), refusedWith('invalid_items', /at least one/));

        assert.deepEqual(await storage.load('p1'), stored);
        assert.deepEqual(await players.stats('p1'), { matches: 2, score: 10, xp: 7 });
        assert.deepEqual(await players.inventory('p1'), { gem: 2 });
        assert.equal((await players.load('p1')).name, 'Ada');
      }));

    it('refuses operations on a player never loaded, and an invalid first name, creating nothing', () =>
      withPlayers(async (players, storage) => {
        await assert.rejects(players.addStats('ghost', { score: 1 }), refusedWith('no_such_player', /LoadPlayer/));
        await assert.rejects(players.give('ghost', { gem: 1 }), refusedWith('no_such_player', /does not exist/));
        await assert.rejects(players.load('ghost', '\u0007'), refusedWith('invalid_name', /printable/));
        await assert.rejects(players.load('', 'Ada'), refusedWith('invalid_player_id', /player id/));
        assert.equal(await storage.load('ghost'), undefined);
      }));

    it('reads the player back from the store in a new activation (another system on the same data)', async () => {
      const storage = backend.open();
      const first = await ActorSystem.start();
      first.register('player', playerBehavior(storage));
      await new PlayerClient(first).load('p1', 'Ada');
      await new PlayerClient(first).give('p1', { gem: 4 });
      await first.shutdown();
      const second = await ActorSystem.start();
      second.register('player', playerBehavior(storage));
      try {
        const players = new PlayerClient(second);
        assert.deepEqual(await players.inventory('p1'), { gem: 4 });
        assert.deepEqual(await players.take('p1', { gem: 1 }), { gem: 3 });
      } finally {
        await second.shutdown();
        await storage.close();
      }
    });
  });
}

describe('player messages on the wire', () => {
  it('every request and reply survives encode and decode through playerRegistry', () => {
    const registry = playerRegistry();
    for (const message of [
      loadPlayer('Ada'),
      renamePlayer('Bea'),
      addPlayerStats({ matches: 1, score: 2, xp: 3 }),
      addPlayerStats({ matches: 1, score: 2, xp: 3 }, 'match:m1:1'),
      giveItems({ gem: 2, sword: 1 }),
      takeItems({ gem: 1 }),
    ]) {
      const decoded = registry.decode(message.type, registry.encode(message));
      assert.ok(decoded.ok);
      assert.deepEqual(decoded.value, message);
    }
    for (const type of ['GetPlayerStats', 'GetInventory', 'PlayerRefused', 'PlayerProfile', 'Inventory']) {
      assert.ok(registry.has(type), type);
    }
  });
});

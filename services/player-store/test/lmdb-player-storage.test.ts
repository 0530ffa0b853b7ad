// What only the LMDB backend has to get right: where its files go, and the sweep that deletes guest records nobody
// uses any more (Redis has key TTLs for that). The storage runs on a clock of the test's own, so records age only
// when the test says so.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LmdbPlayerStorage, newPlayer, type PlayerRefusedError } from '../src/index.js';
import { storedInLmdb, until } from './support.js';

describe('LmdbPlayerStorage files', () => {
  it('opens, writes and reads back in a directory whose name has a dot (as mktemp -d makes them)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf.store-'));
    try {
      const first = new LmdbPlayerStorage({ path: dir });
      await first.create(newPlayer('p1', 'Ada', 5));
      await first.apply('p1', 1, { items: { gem: 2 } }, 'a');
      await first.close();
      const second = new LmdbPlayerStorage({ path: dir });
      try {
        assert.deepEqual((await second.load('p1'))?.items, { gem: 2 });
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('LmdbPlayerStorage guest sweep', () => {
  const TTL = 1000;
  const HOUR = 3_600_000;
  let tempRoot: string;
  let counter = 0;
  before(async () => {
    tempRoot = await mkdtemp(join(tmpdir(), 'packetflow-sweep-'));
  });
  after(async () => {
    await rm(tempRoot, { recursive: true, force: true });
  });
  const place = () => join(tempRoot, `lmdb-${++counter}`);

  it('deletes the guest records unused past the TTL when it opens, batch after batch, and nothing else', async () => {
    const path = place();
    let now = 0;
    const guests = Array.from({ length: 5 }, (_, i) => `guest-${i}`);
    const others = ['hero', 'guesthouse', 'guest'];
    const first = new LmdbPlayerStorage({ path, guestTtlMs: TTL, now: () => now });
    await Promise.all([...guests, ...others].map((id) => first.create(newPlayer(id, id, 0))));
    await first.close();
    now = 10 * TTL;
    const second = new LmdbPlayerStorage({
      path,
      guestTtlMs: TTL,
      guestSweepIntervalMs: HOUR,
      guestSweepBatch: 2,
      now: () => now,
    });
    try {
      await until(async () => (await storedInLmdb(path, guests)).length === 0, 'the sweep at open');
      assert.deepEqual(await storedInLmdb(path, others), others);
    } finally {
      await second.close();
    }
  });

  it('deletes a guest record once unused past the TTL, not one loaded or written since', async () => {
    const path = place();
    let now = 0;
    const storage = new LmdbPlayerStorage({
      path,
      guestTtlMs: TTL,
      guestSweepIntervalMs: 10,
      guestSweepBatch: 2,
      now: () => now,
    });
    try {
      const ids = ['guest-idle', 'guest-loaded', 'guest-written', 'hero'];
      await Promise.all(ids.map((id) => storage.create(newPlayer(id, id, 0))));
      now = 0.6 * TTL;
      await storage.load('guest-loaded');
      await storage.apply('guest-written', 1, { items: { gem: 1 } }, 'give');
      now = 1.5 * TTL;
      await until(async () => (await storedInLmdb(path, ['guest-idle'])).length === 0, 'guest-idle swept');
      assert.deepEqual(await storedInLmdb(path, ids), ['guest-loaded', 'guest-written', 'hero']);
      now = 1.6 * TTL + 1;
      await until(async () => (await storedInLmdb(path, ids)).length === 1, 'the used guests swept once unused');
      assert.deepEqual(await storedInLmdb(path, ids), ['hero']);
    } finally {
      await storage.close();
    }
  });

  it('treats a guest record past its TTL as gone before the sweep gets to it', async () => {
    const path = place();
    let now = 0;
    const storage = new LmdbPlayerStorage({ path, guestTtlMs: TTL, guestSweepIntervalMs: HOUR, now: () => now });
    try {
      await storage.create(newPlayer('guest-late', 'Old', 0));
      now = TTL + 1;
      await assert.rejects(
        storage.apply('guest-late', 1, { items: { gem: 1 } }, 'a'),
        (error: PlayerRefusedError) => error.reason === 'no_such_player',
      );
      assert.equal(await storage.load('guest-late'), undefined);
      assert.deepEqual(await storage.create(newPlayer('guest-late', 'New', now)), newPlayer('guest-late', 'New', now));
    } finally {
      await storage.close();
    }
  });

  // The sweep checks and deletes in one write transaction, so that it cannot act on a stale read; this test meets
  // that only by chance, but it also runs expiry, re-creation and the sweep against each other round after round.
  it('loses no write to guest records that expire and come back again and again while the sweep runs', async () => {
    const path = place();
    let now = 0;
    const storage = new LmdbPlayerStorage({
      path,
      guestTtlMs: TTL,
      guestSweepIntervalMs: 0, // one pass after the other, one record per run: as many chances to interleave as can be
      guestSweepBatch: 1,
      now: () => now,
    });
    const ids = Array.from({ length: 40 }, (_, i) => `guest-${String(i).padStart(2, '0')}`);
    const comeBack = async (id: string, round: number) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      const record = (await storage.load(id)) ?? (await storage.create(newPlayer(id, `Round ${round}`, now)));
      await storage.apply(id, record.version, { items: { gem: 1 } }, `give-${id}-${round}`);
      return id;
    };
    try {
      await Promise.all(ids.map((id) => storage.create(newPlayer(id, 'Old', now))));
      for (let round = 1; round <= 10; round++) {
        now += 2 * TTL; // every record has expired: the sweep deletes them as their players come back
        await Promise.all(ids.map((id) => comeBack(id, round)));
        for (const id of ids) {
          const { name, items, version } = (await storage.load(id)) ?? {};
          assert.deepEqual({ name, items, version }, { name: `Round ${round}`, items: { gem: 1 }, version: 2 }, id);
        }
      }
    } finally {
      await storage.close();
    }
  });
});

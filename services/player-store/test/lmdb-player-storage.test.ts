// What only the LMDB backend has to get right: where its files go.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LmdbPlayerStorage, newPlayer } from '../src/index.js';

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

// The catalogue of the player store's own variables says what playerStorageFromEnv does with each. (That it names
// exactly the variables the code reads is checked by infra's tests, which scan every package.)
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EnvVariable } from '@packetflow/actors';
import { RedisServer } from '@packetflow/testing';
import { LmdbPlayerStorage, PLAYER_STORE_VARIABLES, playerStorageFromEnv, RedisPlayerStorage } from '../src/index.js';

const defaultOf = (name: string): string => {
  const variable: EnvVariable | undefined = PLAYER_STORE_VARIABLES.find((v) => v.name === name);
  assert.ok(variable?.default !== undefined, `PLAYER_STORE_VARIABLES gives ${name} a default`);
  return variable.default;
};

let dir: string;
let redis: RedisServer;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'packetflow-player-variables-'));
  redis = await RedisServer.start();
});
after(async () => {
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('PLAYER_STORE_VARIABLES', () => {
  it('lists the four playerStorageFromEnv reads, none of them required', () => {
    assert.deepEqual(PLAYER_STORE_VARIABLES.map((v) => v.name).toSorted(), [
      'PACKETFLOW_CLUSTER',
      'PACKETFLOW_DATA_DIR',
      'PACKETFLOW_GUEST_RECORD_TTL_MS',
      'REDIS_URL',
    ]);
    assert.deepEqual(
      PLAYER_STORE_VARIABLES.filter((v) => v.required !== undefined),
      [],
    );
  });

  it('PACKETFLOW_DATA_DIR: players in LMDB under <dir>/players, ./data unless set', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const storage = playerStorageFromEnv({});
      assert.ok(storage instanceof LmdbPlayerStorage);
      await storage.close();
      assert.equal(relative(dir, storage.path), join(defaultOf('PACKETFLOW_DATA_DIR'), 'players'));
    } finally {
      process.chdir(cwd);
    }
    const set = playerStorageFromEnv({ PACKETFLOW_DATA_DIR: join(dir, 'elsewhere') });
    await set.close();
    assert.ok(set instanceof LmdbPlayerStorage);
    assert.equal(set.path, join(dir, 'elsewhere', 'players'));
  });

  it('PACKETFLOW_GUEST_RECORD_TTL_MS: the default when unset or empty, else the value', async () => {
    for (const value of [undefined, '']) {
      const storage = playerStorageFromEnv({ PACKETFLOW_DATA_DIR: dir, PACKETFLOW_GUEST_RECORD_TTL_MS: value });
      await storage.close();
      assert.equal(String(storage.guestTtlMs), defaultOf('PACKETFLOW_GUEST_RECORD_TTL_MS'));
    }
    const set = playerStorageFromEnv({ PACKETFLOW_DATA_DIR: dir, PACKETFLOW_GUEST_RECORD_TTL_MS: '5000' });
    await set.close();
    assert.equal(set.guestTtlMs, 5000);
  });

  it('REDIS_URL: players in Redis, under <PACKETFLOW_CLUSTER>:player:, packetflow unless set', async () => {
    const unnamed = playerStorageFromEnv({ REDIS_URL: redis.url });
    const named = playerStorageFromEnv({ REDIS_URL: redis.url, PACKETFLOW_CLUSTER: 'blue' });
    try {
      assert.ok(unnamed instanceof RedisPlayerStorage && named instanceof RedisPlayerStorage);
      assert.equal(unnamed.keyOf('p1'), `${defaultOf('PACKETFLOW_CLUSTER')}:player:p1`);
      assert.equal(named.keyOf('p1'), 'blue:player:p1');
    } finally {
      await Promise.all([unnamed.close(), named.close()]);
    }
  });
});

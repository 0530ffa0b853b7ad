// The DurableStore contract, run against both backends: a real LMDB file in a temporary directory and a real
// redis-server of the test's own. What a service may rely on whichever store it is given.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RedisServer } from '@packetflow/testing';
import { type DurableStore, LmdbStore, RedisStore, storeFromEnv } from '../../src/index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string) => encoder.encode(text);
const text = (value: Uint8Array | undefined) => (value === undefined ? undefined : decoder.decode(value));

let redis: RedisServer;
let tempRoot: string;
let counter = 0;
before(async () => {
  redis = await RedisServer.start();
  tempRoot = await mkdtemp(join(tmpdir(), 'packetflow-store-'));
});
after(async () => {
  await redis.stop();
  await rm(tempRoot, { recursive: true, force: true });
});

interface Backend {
  readonly name: string;
  /** A fresh, empty place to store; `open` gives a new store over the same data each time it is called. */
  place(): { open(): DurableStore };
}

const backends: Backend[] = [
  {
    name: 'LmdbStore',
    place: () => {
      const path = join(tempRoot, `lmdb-${++counter}`);
      return { open: () => LmdbStore.open({ path }) };
    },
  },
  {
    name: 'LmdbStore (named database)',
    place: () => {
      const path = join(tempRoot, `lmdb-${++counter}`);
      return { open: () => LmdbStore.open({ path, name: 'matches' }) };
    },
  },
  {
    name: 'RedisStore',
    place: () => {
      const prefix = `test-${++counter}:`;
      return { open: () => new RedisStore({ url: redis.url, prefix }) };
    },
  },
];

for (const backend of backends) {
  describe(`DurableStore contract: ${backend.name}`, () => {
    async function withStore(run: (store: DurableStore) => Promise<void>): Promise<void> {
      const store = backend.place().open();
      try {
        await run(store);
      } finally {
        await store.close();
      }
    }

    it('writes guarded only while the guard holds what is expected, or nothing', () =>
      withStore(async (store) => {
        assert.equal(await store.putGuarded('checkpoint', bytes('free'), 'owner', bytes('a:1')), true, 'no guard yet');
        await store.put('owner', bytes('a:1'));
        assert.equal(await store.putGuarded('checkpoint', bytes('mine'), 'owner', bytes('a:1')), true);
        assert.equal(text(await store.get('checkpoint')), 'mine');
        await store.put('owner', bytes('b:2'));
        assert.equal(await store.putGuarded('checkpoint', bytes('stale'), 'owner', bytes('a:1')), false);
        assert.equal(text(await store.get('checkpoint')), 'mine', 'a refused write changes nothing');
        // Many writers at once, each expecting another guard: exactly the one whose guard is stored lands.
        const results = await Promise.all(
          ['a:1', 'b:2', 'c:3'].map((guard) => store.putGuarded('race', bytes(guard), 'owner', bytes(guard))),
        );
        assert.deepEqual(results, [false, true, false]);
        assert.equal(text(await store.get('race')), 'b:2');
      }));

    it('names its backend', () =>
      withStore(async (store) => {
        assert.ok(['lmdb', 'redis'].includes(store.backend));
      }));

    it('gives undefined for a key never written', () =>
      withStore(async (store) => {
        assert.equal(await store.get('missing'), undefined);
      }));

    it('gives back what was put, byte for byte, and the last put wins', () =>
      withStore(async (store) => {
        const all = Uint8Array.from({ length: 256 }, (_, i) => i);
        await store.put('all-bytes', all);
        assert.deepEqual(await store.get('all-bytes'), all);
        await store.put('a', bytes('first'));
        await store.put('a', bytes('second'));
        assert.equal(text(await store.get('a')), 'second');
        await store.put('empty', new Uint8Array(0));
        assert.deepEqual(await store.get('empty'), new Uint8Array(0));
      }));

    it('stores a view of a larger buffer as just its bytes', () =>
      withStore(async (store) => {
        const backing = bytes('xxhelloxx');
        await store.put('view', backing.subarray(2, 7));
        assert.equal(text(await store.get('view')), 'hello');
      }));

    it('returns a copy: changing it changes nothing stored', () =>
      withStore(async (store) => {
        await store.put('k', bytes('abc'));
        const value = (await store.get('k'))!;
        value[0] = 0x7a;
        assert.equal(text(await store.get('k')), 'abc');
      }));

    it('keeps keys apart, unicode and separators included', () =>
      withStore(async (store) => {
        const keys = ['player:1', 'player:10', 'jöe/ü', 'match:a b', '🙂'];
        await Promise.all(keys.map((key) => store.put(key, bytes(`value of ${key}`))));
        for (const key of keys) assert.equal(text(await store.get(key)), `value of ${key}`);
      }));

    it('delete says whether the key existed and removes it', () =>
      withStore(async (store) => {
        await store.put('gone', bytes('x'));
        assert.equal(await store.delete('gone'), true);
        assert.equal(await store.get('gone'), undefined);
        assert.equal(await store.delete('gone'), false);
        assert.equal(await store.delete('never'), false);
      }));

    it('acknowledges many concurrent puts, each readable afterwards', () =>
      withStore(async (store) => {
        await Promise.all(Array.from({ length: 500 }, (_, i) => store.put(`c${i}`, bytes(`v${i}`))));
        for (let i = 0; i < 500; i++) assert.equal(text(await store.get(`c${i}`)), `v${i}`);
      }));

    it('keeps what was written across a close and a reopen', async () => {
      const place = backend.place();
      const first = place.open();
      await first.put('kept', bytes('yes'));
      await first.put('removed', bytes('no'));
      await first.delete('removed');
      await first.close();
      const second = place.open();
      try {
        assert.equal(text(await second.get('kept')), 'yes');
        assert.equal(await second.get('removed'), undefined);
      } finally {
        await second.close();
      }
    });

    it('close is idempotent', async () => {
      const store = backend.place().open();
      await store.close();
      await store.close();
    });
  });
}

describe('storeFromEnv', () => {
  it('chooses LMDB under PACKETFLOW_DATA_DIR without REDIS_URL (an empty one counts as unset)', async () => {
    const path = join(tempRoot, `env-${++counter}`);
    const store = storeFromEnv({ env: { REDIS_URL: '', PACKETFLOW_DATA_DIR: path }, namespace: 'players' });
    try {
      assert.equal(store.backend, 'lmdb');
      assert.ok(store instanceof LmdbStore);
      assert.equal(store.path, path);
    } finally {
      await store.close();
    }
  });

  it('opens a PACKETFLOW_DATA_DIR whose name has a dot as a directory (mktemp -d gives /tmp/tmp.AbC123)', async () => {
    const path = await mkdtemp(join(tempRoot, 'tmp.'));
    const store = storeFromEnv({ env: { PACKETFLOW_DATA_DIR: path }, namespace: 'matches' });
    try {
      await store.put('m-1', bytes('checkpoint'));
      assert.deepEqual(await store.get('m-1'), bytes('checkpoint'));
      assert.ok(existsSync(join(path, 'data.mdb')), 'the database lives inside the directory');
    } finally {
      await store.close();
    }
  });

  it('chooses Redis when REDIS_URL is set, keys under <cluster>:<namespace>:', async () => {
    const store = storeFromEnv({ env: { REDIS_URL: redis.url, PACKETFLOW_CLUSTER: 'envtest' }, namespace: 'm' });
    try {
      assert.equal(store.backend, 'redis');
      await store.put('x', bytes('1'));
      assert.ok(store instanceof RedisStore);
      assert.equal(await store.client.get('envtest:m:x'), '1');
    } finally {
      await store.close();
    }
  });

  it('refuses a bad REDIS_URL and a bad namespace with a clear error', () => {
    assert.throws(() => storeFromEnv({ env: { REDIS_URL: 'http://x' } }), /REDIS_URL: expected a redis:\/\//);
    assert.throws(() => storeFromEnv({ env: {}, namespace: 'a/b' }), /store namespace must be/);
  });
});

const writerScript = fileURLToPath(new URL('./fixtures/store-writer.js', import.meta.url));

/** Runs the writer child until it has printed `acks` acknowledgements, SIGKILLs it, returns what it acknowledged. */
async function writeThenKill(env: NodeJS.ProcessEnv, acks: number): Promise<number[]> {
  const child = spawn(process.execPath, [writerScript], { env: { ...process.env, ...env }, stdio: 'pipe' });
  const acknowledged: number[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`writer exited early (${signal ?? code}): ${stderr}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line.startsWith('ack ')) acknowledged.push(Number(line.slice(4)));
      if (acknowledged.length >= acks && child.exitCode === null) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await exited;
  // Acks still unread in the pipe at exit are left out: fewer writes are checked, never a wrong one.
  return acknowledged;
}

describe('durability across a SIGKILL of the writing process', () => {
  it('LMDB: every acknowledged put is there after the writer is killed mid-stream', async () => {
    const path = join(tempRoot, `crash-${++counter}`);
    const acknowledged = await writeThenKill({ REDIS_URL: '', PACKETFLOW_DATA_DIR: path }, 300);
    const store = LmdbStore.open({ path, name: 'crash' });
    try {
      for (const i of acknowledged) assert.equal(text(await store.get(`k${i}`)), `v${i}`, `k${i} was acknowledged`);
    } finally {
      await store.close();
    }
  });

  it('Redis: every acknowledged put is there after the writer is killed mid-stream', async () => {
    const cluster = `crash${++counter}`;
    const acknowledged = await writeThenKill({ REDIS_URL: redis.url, PACKETFLOW_CLUSTER: cluster }, 300);
    const store = new RedisStore({ url: redis.url, prefix: `${cluster}:crash:` });
    try {
      for (const i of acknowledged) assert.equal(text(await store.get(`k${i}`)), `v${i}`, `k${i} was acknowledged`);
    } finally {
      await store.close();
    }
  });

  it('Redis with appendfsync always: acknowledged puts survive a SIGKILL of redis-server mid-stream', async () => {
    const durable = await RedisServer.start({ appendonly: true, appendfsync: 'always' });
    const store = new RedisStore({ url: durable.url, prefix: 'aof:' });
    try {
      const acknowledged = new Set<number>();
      let next = 0;
      let stop = false;
      const writers = Array.from({ length: 16 }, async () => {
        while (!stop) {
          const i = next++;
          try {
            await store.put(`k${i}`, bytes(`v${i}`));
            acknowledged.add(i);
          } catch {
            // refused while Redis was down: not acknowledged, so not checked
          }
        }
      });
      while (acknowledged.size < 300) await new Promise((resolve) => setTimeout(resolve, 5));
      await durable.restart(); // SIGKILL, then start again on the same port and directory
      const afterRestart = acknowledged.size;
      while (acknowledged.size < afterRestart + 300) await new Promise((resolve) => setTimeout(resolve, 5));
      stop = true;
      await Promise.all(writers);
      const checker = new RedisStore({ url: durable.url, prefix: 'aof:' });
      try {
        await durable.restart(); // and once more after the last write: everything must come back from the AOF
        for (const i of acknowledged) assert.equal(text(await checker.get(`k${i}`)), `v${i}`, `k${i} was acked`);
      } finally {
        await checker.close();
      }
    } finally {
      await store.close();
      await durable.stop();
    }
  });
});

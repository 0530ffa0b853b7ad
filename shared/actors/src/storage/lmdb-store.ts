import { resolve } from 'node:path';
import { type Database, open, type RootDatabase } from 'lmdb';
import type { DurableStore } from './durable-store.js';

export interface LmdbStoreOptions {
  /** Directory of the database files (`data.mdb`, `lock.mdb`); created when missing. `./data` unless set. */
  readonly path?: string;
  /** A named database inside the environment, so several services can share one directory without key clashes. */
  readonly name?: string;
}

/**
 * The embedded default: a real LMDB database (lmdb-js) under a directory. Writes are committed in LMDB
 * transactions on lmdb-js's write thread (all writes of one event-loop turn share one transaction), with
 * `noSync: false` and `overlappingSync: false`, so a commit includes the fsync; `put` and `delete` resolve only
 * after that commit and `db.flushed`. An acknowledged write survives a crash of the process (and of the machine,
 * as far as the disk honours fsync).
 */
export class LmdbStore implements DurableStore {
  readonly backend = 'lmdb';
  readonly path: string;
  private closed = false;

  private constructor(
    private readonly root: RootDatabase,
    private readonly db: Database<Uint8Array, string>,
    path: string,
  ) {
    this.path = path;
  }

  static open(options: LmdbStoreOptions = {}): LmdbStore {
    const path = resolve(options.path ?? './data');
    const root = open<Uint8Array, string>({
      path,
      encoding: 'binary',
      // lmdb-js otherwise takes a path with a dot in its last part (`/tmp/tmp.AbC123`) for a data file's name.
      noSubdir: false,
      noSync: false,
      overlappingSync: false,
      maxDbs: 64,
    });
    const db =
      options.name === undefined ? root : root.openDB<Uint8Array, string>({ name: options.name, encoding: 'binary' });
    return new LmdbStore(root, db, path);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.checkOpen();
    const value = this.db.get(key);
    // lmdb-js may hand out a Buffer over memory it reuses; a copy is the caller's to keep.
    return value === undefined ? undefined : new Uint8Array(value);
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.checkOpen();
    checkKey(key);
    await this.db.put(key, value);
    await this.db.flushed;
  }

  async putGuarded(key: string, value: Uint8Array, guardKey: string, expected: Uint8Array): Promise<boolean> {
    this.checkOpen();
    checkKey(key);
    // One write transaction: nothing else writes between the read of the guard and the put.
    const written = await this.db.transaction(() => {
      const guard = this.db.get(guardKey);
      if (guard !== undefined && !Buffer.from(guard).equals(Buffer.from(expected))) return false;
      void this.db.put(key, value);
      return true;
    });
    await this.db.flushed;
    return written;
  }

  async delete(key: string): Promise<boolean> {
    this.checkOpen();
    checkKey(key);
    const existed = this.db.doesExist(key);
    const removed = await this.db.remove(key);
    await this.db.flushed;
    return existed && removed !== false;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.root.flushed;
    await this.root.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`LmdbStore at ${this.path} is closed`);
  }
}

function checkKey(key: string): void {
  // LMDB keys are at most 511 bytes by default (lmdb-js allows up to 1978); refuse clearly rather than deep inside.
  if (key.length === 0) throw new Error('a store key must not be empty');
  if (Buffer.byteLength(key) > 1000)
    throw new Error(`a store key is at most 1000 bytes, got ${Buffer.byteLength(key)}`);
}

import { resolve } from 'node:path';
import { type Database, open, type RootDatabase } from 'lmdb';
import { applyChange, type PlayerChange, type PlayerRecord, PlayerRefusedError } from '../player-data.js';
import type { PlayerStorage } from './player-storage.js';

interface StoredPlayer {
  name: string;
  createdAtMs: number;
  matches: number;
  score: number;
  xp: number;
  items: Record<string, number>;
  version: number;
  /** The change that made this version, so that a retry of it is recognised. */
  opId: string;
}

/**
 * Players in a real LMDB database (one record per player, MessagePack-encoded) under a directory, `./data/players`
 * by default. A change is a read-check-write inside one LMDB write transaction; transactions are committed with
 * `noSync: false` and `overlappingSync: false`, so the commit includes the fsync, and `apply`/`create` resolve only
 * after the commit and `flushed`: an acknowledged write survives a SIGKILL of the process (and a power cut, as far
 * as the disk honours fsync). All writes of one event-loop turn share one transaction and one fsync.
 */
export class LmdbPlayerStorage implements PlayerStorage {
  readonly backend = 'lmdb';
  readonly path: string;
  private readonly root: RootDatabase;
  private readonly db: Database<StoredPlayer, string>;
  private closed = false;

  constructor(options: { path?: string } = {}) {
    this.path = resolve(options.path ?? './data/players');
    // lmdb-js takes a path with an extension for a file unless told otherwise, and mktemp -d names have a dot.
    this.root = open({ path: this.path, noSubdir: false, noSync: false, overlappingSync: false, maxDbs: 4 });
    this.db = this.root.openDB<StoredPlayer, string>({ name: 'players' });
  }

  async load(playerId: string): Promise<PlayerRecord | undefined> {
    this.checkOpen();
    const stored = this.db.get(playerId);
    return stored === undefined ? undefined : toRecord(playerId, stored);
  }

  async create(record: PlayerRecord): Promise<PlayerRecord> {
    this.checkOpen();
    const stored = await this.db.transaction(() => {
      const existing = this.db.get(record.playerId);
      if (existing !== undefined) return existing;
      const fresh = fromRecord(record, 'create');
      this.db.put(record.playerId, fresh);
      return fresh;
    });
    await this.db.flushed;
    return toRecord(record.playerId, stored);
  }

  async apply(playerId: string, expectedVersion: number, change: PlayerChange, opId: string): Promise<void> {
    this.checkOpen();
    // Every check comes before the one put, so a refusal leaves the transaction without a write.
    await this.db.transaction(() => {
      const existing = this.db.get(playerId);
      if (existing === undefined) throw new PlayerRefusedError('no_such_player', `player ${playerId} does not exist`);
      if (existing.version !== expectedVersion) {
        if (existing.version === expectedVersion + 1 && existing.opId === opId) return;
        throw conflict(playerId, expectedVersion, existing.version);
      }
      const next = applyChange(toRecord(playerId, existing), change);
      this.db.put(playerId, fromRecord(next, opId));
    });
    await this.db.flushed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.root.flushed;
    await this.root.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`player storage at ${this.path} is closed`);
  }
}

export function conflict(playerId: string, expected: number, stored: number): PlayerRefusedError {
  return new PlayerRefusedError(
    'conflict',
    `player ${playerId} was changed elsewhere (version ${stored}, expected ${expected}); try again`,
  );
}

function toRecord(playerId: string, stored: StoredPlayer): PlayerRecord {
  return {
    playerId,
    name: stored.name,
    createdAtMs: stored.createdAtMs,
    stats: { matches: stored.matches, score: stored.score, xp: stored.xp },
    items: { ...stored.items },
    version: stored.version,
  };
}

function fromRecord(record: PlayerRecord, opId: string): StoredPlayer {
  const { name, createdAtMs, stats, items, version } = record;
  return { name, createdAtMs, matches: stats.matches, score: stats.score, xp: stats.xp, items, version, opId };
}

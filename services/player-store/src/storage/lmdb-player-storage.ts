import { resolve } from 'node:path';
import { componentLogger, type Logger, type Readiness } from '@packetflow/actors';
import { type Database, open, type RootDatabase } from 'lmdb';
import { applyChange, type PlayerChange, type PlayerRecord, PlayerRefusedError } from '../player-data.js';
import { DEFAULT_GUEST_TTL_MS, isGuest } from './guest-expiry.js';
import { LmdbGuestSweep } from './lmdb-guest-sweep.js';
import type { ApplyOutcome, PlayerStorage } from './player-storage.js';

export interface LmdbPlayerStorageOptions {
  /** Directory of the database files; created when missing. `./data/players` unless set. */
  readonly path?: string;
  /** See `PlayerStorage.guestTtlMs`; `DEFAULT_GUEST_TTL_MS` unless set. */
  readonly guestTtlMs?: number;
  /** Pause between two passes of the sweep over the guest records; `DEFAULT_GUEST_SWEEP_INTERVAL_MS` unless set. */
  readonly guestSweepIntervalMs?: number;
  /** Guest records one run of the sweep examines at most; `DEFAULT_GUEST_SWEEP_BATCH` unless set. */
  readonly guestSweepBatch?: number;
  /** Clock of the guest records' last use; Date.now unless set. */
  readonly now?: () => number;
  /** Where a failed sweep is reported; JSON lines on stderr unless set. */
  readonly logger?: Logger;
}

/**
 * Expired records are already invisible to every read and write, so the sweep only gives their space back: every
 * 10 minutes is soon enough against a TTL of days. It walks all guest records per pass, 1,000 per transaction (a
 * millisecond or so of work that the players' writes of that moment wait behind), batch after batch until the end.
 */
export const DEFAULT_GUEST_SWEEP_INTERVAL_MS = 10 * 60 * 1000;
export const DEFAULT_GUEST_SWEEP_BATCH = 1000;

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
  /** Absent in records stored before there were stats keys. */
  statsKeys?: string[];
  /**
   * Guests only: when the record was last loaded or written. Guest records stored before there was one count from
   * their creation, which is safe: their token, issued before, expired at most a token lifetime after it.
   */
  usedAtMs?: number;
}

/**
 * Players in a real LMDB database (one record per player, MessagePack-encoded) under a directory, `./data/players`
 * by default. A change is a read-check-write inside one LMDB write transaction; transactions are committed with
 * `noSync: false` and `overlappingSync: false`, so the commit includes the fsync, and `apply`/`create` resolve only
 * after the commit and `flushed`: an acknowledged write survives a SIGKILL of the process (and a power cut, as far
 * as the disk honours fsync). All writes of one event-loop turn share one transaction and one fsync.
 *
 * A guest record unused for `guestTtlMs` counts as gone at once (a load finds nothing, a change is refused as
 * `no_such_player`, a create starts afresh), and the `LmdbGuestSweep` deletes it for good. Every load or write of a
 * guest record stamps its last use in the same transaction as its read, so the sweep never deletes a record in use.
 */
export class LmdbPlayerStorage implements PlayerStorage {
  readonly backend = 'lmdb';
  readonly path: string;
  readonly guestTtlMs: number;
  private readonly root: RootDatabase;
  private readonly db: Database<StoredPlayer, string>;
  private readonly now: () => number;
  private readonly sweep: LmdbGuestSweep<StoredPlayer>;
  private closed = false;

  constructor(options: LmdbPlayerStorageOptions = {}) {
    this.path = resolve(options.path ?? './data/players');
    this.guestTtlMs = options.guestTtlMs ?? DEFAULT_GUEST_TTL_MS;
    this.now = options.now ?? Date.now;
    // lmdb-js takes a path with an extension for a file unless told otherwise, and mktemp -d names have a dot.
    this.root = open({ path: this.path, noSubdir: false, noSync: false, overlappingSync: false, maxDbs: 4 });
    this.db = this.root.openDB<StoredPlayer, string>({ name: 'players' });
    this.sweep = new LmdbGuestSweep(this.db, {
      expired: (playerId, stored) => this.expired(playerId, stored),
      intervalMs: options.guestSweepIntervalMs ?? DEFAULT_GUEST_SWEEP_INTERVAL_MS,
      batchSize: options.guestSweepBatch ?? DEFAULT_GUEST_SWEEP_BATCH,
      logger: options.logger ?? componentLogger('player-storage'),
    });
  }

  async load(playerId: string): Promise<PlayerRecord | undefined> {
    this.checkOpen();
    if (!isGuest(playerId)) {
      const stored = this.db.get(playerId);
      return stored === undefined ? undefined : toRecord(playerId, stored);
    }
    const stored = await this.db.transaction(() => {
      const existing = this.db.get(playerId);
      if (existing === undefined) return undefined;
      if (this.expired(playerId, existing)) {
        this.db.remove(playerId);
        return undefined;
      }
      const used = this.stamped(playerId, existing);
      this.db.put(playerId, used);
      return used;
    });
    return stored === undefined ? undefined : toRecord(playerId, stored);
  }

  async create(record: PlayerRecord): Promise<PlayerRecord> {
    this.checkOpen();
    const stored = await this.db.transaction(() => {
      const existing = this.live(record.playerId);
      if (existing !== undefined && !isGuest(record.playerId)) return existing;
      const used = this.stamped(record.playerId, existing ?? fromRecord(record, 'create'));
      this.db.put(record.playerId, used);
      return used;
    });
    await this.db.flushed;
    return toRecord(record.playerId, stored);
  }

  async apply(playerId: string, expectedVersion: number, change: PlayerChange, opId: string): Promise<ApplyOutcome> {
    this.checkOpen();
    // Every check comes before the one put, so a refusal leaves the transaction without a write.
    const outcome = await this.db.transaction((): ApplyOutcome => {
      const existing = this.live(playerId);
      if (existing === undefined) throw new PlayerRefusedError('no_such_player', `player ${playerId} does not exist`);
      if (change.statsKey !== undefined && existing.statsKeys?.includes(change.statsKey)) return 'already_applied';
      if (existing.version !== expectedVersion) {
        if (existing.version === expectedVersion + 1 && existing.opId === opId) return 'applied';
        throw conflict(playerId, expectedVersion, existing.version);
      }
      const next = applyChange(toRecord(playerId, existing), change);
      this.db.put(playerId, this.stamped(playerId, fromRecord(next, opId)));
      return 'applied';
    });
    await this.db.flushed;
    return outcome;
  }

  /** The database is embedded: reachable as long as it is open. */
  readiness(): Readiness {
    return this.closed ? { ready: false, reason: `player storage at ${this.path} is closed` } : { ready: true };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sweep.stop();
    await this.root.flushed;
    await this.root.close();
  }

  /** The stored record, unless it is a guest's that has expired (which only the sweep or a load deletes). */
  private live(playerId: string): StoredPlayer | undefined {
    const stored = this.db.get(playerId);
    return stored === undefined || this.expired(playerId, stored) ? undefined : stored;
  }

  private expired(playerId: string, stored: StoredPlayer): boolean {
    return isGuest(playerId) && this.now() - (stored.usedAtMs ?? stored.createdAtMs) > this.guestTtlMs;
  }

  /** A guest record as used now; other records are never stamped, since they never expire. */
  private stamped(playerId: string, stored: StoredPlayer): StoredPlayer {
    return isGuest(playerId) ? { ...stored, usedAtMs: this.now() } : stored;
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
    statsKeys: [...(stored.statsKeys ?? [])],
  };
}

function fromRecord(record: PlayerRecord, opId: string): StoredPlayer {
  const { name, createdAtMs, stats, items, version } = record;
  const statsKeys = [...record.statsKeys];
  return {
    name,
    createdAtMs,
    matches: stats.matches,
    score: stats.score,
    xp: stats.xp,
    items,
    version,
    opId,
    statsKeys,
  };
}

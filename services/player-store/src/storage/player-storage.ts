import type { Readiness } from '@packetflow/actors';
import type { PlayerChange, PlayerRecord } from '../player-data.js';

export type ApplyOutcome = 'applied' | 'already_applied';

/**
 * Where players are kept: the embedded LMDB database or Redis. Every write resolves only once the store has
 * acknowledged it (see each backend for what that means), so the Player actor replies only after that.
 */
export interface PlayerStorage {
  readonly backend: 'lmdb' | 'redis';
  /** A guest record (id `guest-…`) neither loaded nor written for this long is gone; other players stay for good. */
  readonly guestTtlMs: number;
  load(playerId: string): Promise<PlayerRecord | undefined>;
  /** Stores `record` (version 1) unless the player exists; resolves with what is stored either way. */
  create(record: PlayerRecord): Promise<PlayerRecord>;
  /**
   * Applies `change` atomically, all of it or nothing, if the stored version is `expectedVersion`; the stored
   * version becomes `expectedVersion + 1`. `opId` makes a retried write idempotent: when the stored version is
   * already `expectedVersion + 1` by this very `opId` (the reply to a first attempt was lost), it resolves without
   * applying it twice. A change with a `statsKey` the stored player already holds is not applied, whatever the
   * version: it resolves `already_applied`, and the caller reads the player again. Rejects with
   * `PlayerRefusedError` (`conflict`, `no_such_player`, `not_enough_items`) and then changes nothing.
   */
  apply(playerId: string, expectedVersion: number, change: PlayerChange, opId: string): Promise<ApplyOutcome>;
  /** Whether the store can be reached now, for the node's /readyz; answered without asking the store. */
  readiness(): Readiness;
  close(): Promise<void>;
}

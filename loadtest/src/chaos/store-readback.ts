// The players' stats as the player store kept them, read straight from its LMDB database in the run's data directory
// once the backend has stopped: no client can ask for them (the gateway writes a player's stats when they leave a
// match and tells nobody), and by then every write the store acknowledged is on disk.
import { join } from 'node:path';
import { LmdbPlayerStorage } from '@packetflow/player-store';

export interface StoredStats {
  readonly matches: number;
  readonly score: number;
}

/** Player id → stats; a player the store has no record of is absent. */
export async function readStoredStats(dataDir: string, playerIds: Iterable<string>): Promise<Map<string, StoredStats>> {
  const storage = new LmdbPlayerStorage({ path: join(dataDir, 'players') });
  try {
    const stats = new Map<string, StoredStats>();
    for (const playerId of new Set(playerIds)) {
      const record = await storage.load(playerId);
      if (record !== undefined) stats.set(playerId, { matches: record.stats.matches, score: record.stats.score });
    }
    return stats;
  } finally {
    await storage.close();
  }
}

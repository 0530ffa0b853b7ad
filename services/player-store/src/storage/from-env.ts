import { join } from 'node:path';
import { LmdbPlayerStorage } from './lmdb-player-storage.js';
import type { PlayerStorage } from './player-storage.js';
import { RedisPlayerStorage } from './redis-player-storage.js';

/**
 * Redis when `REDIS_URL` is set (hashes `<PACKETFLOW_CLUSTER>:player:<id>`), else LMDB under
 * `<PACKETFLOW_DATA_DIR or ./data>/players`. An empty variable counts as unset.
 */
export function playerStorageFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): PlayerStorage {
  const url = env.REDIS_URL || undefined;
  if (url !== undefined) {
    if (!/^rediss?:\/\//.test(url)) throw new Error(`REDIS_URL: expected a redis:// or rediss:// URL, got "${url}"`);
    return new RedisPlayerStorage({ url, prefix: `${env.PACKETFLOW_CLUSTER || 'packetflow'}:player:` });
  }
  return new LmdbPlayerStorage({ path: join(env.PACKETFLOW_DATA_DIR || './data', 'players') });
}

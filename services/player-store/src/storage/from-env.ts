import { join } from 'node:path';
import type { Logger } from '@packetflow/actors';
import { z } from 'zod';
import { DEFAULT_GUEST_TTL_MS } from './guest-expiry.js';
import { LmdbPlayerStorage } from './lmdb-player-storage.js';
import type { PlayerStorage } from './player-storage.js';
import { RedisPlayerStorage } from './redis-player-storage.js';

// Digits only: Number() would also take ' 1000', '1e6' and '0x10', none of which a person means as milliseconds;
// at most 15 of them, so that the value is exact and Redis can add it to the time.
const guestTtlSchema = z
  .string()
  .refine((value) => /^\d{1,15}$/.test(value) && Number(value) > 0, {
    error: (issue) => `expected a whole number of milliseconds, 1 or more, got ${JSON.stringify(issue.input)}`,
  })
  .transform(Number);

/**
 * Redis when `REDIS_URL` is set (hashes `<PACKETFLOW_CLUSTER>:player:<id>`), else LMDB under
 * `<PACKETFLOW_DATA_DIR or ./data>/players`. Guest records unused for `PACKETFLOW_GUEST_RECORD_TTL_MS` are deleted
 * (`DEFAULT_GUEST_TTL_MS` unless set). An empty variable counts as unset. `logger` hears of failed LMDB sweeps.
 */
export function playerStorageFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  logger?: Logger,
): PlayerStorage {
  const guestTtlMs = readGuestTtl(env.PACKETFLOW_GUEST_RECORD_TTL_MS || undefined);
  const url = env.REDIS_URL || undefined;
  if (url !== undefined) {
    if (!/^rediss?:\/\//.test(url)) throw new Error(`REDIS_URL: expected a redis:// or rediss:// URL, got "${url}"`);
    return new RedisPlayerStorage({ url, prefix: `${env.PACKETFLOW_CLUSTER || 'packetflow'}:player:`, guestTtlMs });
  }
  return new LmdbPlayerStorage({ path: join(env.PACKETFLOW_DATA_DIR || './data', 'players'), guestTtlMs, logger });
}

function readGuestTtl(value: string | undefined): number {
  if (value === undefined) return DEFAULT_GUEST_TTL_MS;
  const result = guestTtlSchema.safeParse(value);
  if (result.success) return result.data;
  throw new Error(`PACKETFLOW_GUEST_RECORD_TTL_MS: ${result.error.issues.map((issue) => issue.message).join('; ')}`);
}

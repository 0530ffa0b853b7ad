import type { Env } from '../config/node-config.js';
import type { DurableStore } from './durable-store.js';
import { LmdbStore } from './lmdb-store.js';
import { RedisStore } from './redis-store.js';

export interface StoreFromEnvOptions {
  /** process.env unless set. */
  readonly env?: Env;
  /**
   * Keeps one service's keys apart from another's: a named LMDB database inside the data directory, or the Redis
   * key prefix `<PACKETFLOW_CLUSTER>:<namespace>:`. Letters, digits and `_ . -`.
   */
  readonly namespace?: string;
  /** LMDB directory when `PACKETFLOW_DATA_DIR` is unset; `./data` unless set. */
  readonly dataDir?: string;
}

/**
 * The store a service writes through to: Redis when `REDIS_URL` is set, else LMDB under `PACKETFLOW_DATA_DIR`
 * (default `./data`). An empty variable counts as unset, as in `readNodeConfig`.
 */
export function storeFromEnv(options: StoreFromEnvOptions = {}): DurableStore {
  const env = options.env ?? process.env;
  const namespace = options.namespace;
  if (namespace !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(namespace)) {
    throw new Error(`store namespace must be 1–64 letters, digits or _ . -, got ${JSON.stringify(namespace)}`);
  }
  const url = nonEmpty(env.REDIS_URL);
  if (url !== undefined) {
    if (!/^rediss?:\/\//.test(url)) throw new Error(`REDIS_URL: expected a redis:// or rediss:// URL, got "${url}"`);
    const cluster = nonEmpty(env.PACKETFLOW_CLUSTER) ?? 'packetflow';
    const prefix = namespace === undefined ? `${cluster}:store:` : `${cluster}:${namespace}:`;
    return new RedisStore({ url, prefix });
  }
  const path = nonEmpty(env.PACKETFLOW_DATA_DIR) ?? options.dataDir ?? './data';
  return LmdbStore.open({ path, ...(namespace === undefined ? {} : { name: namespace }) });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

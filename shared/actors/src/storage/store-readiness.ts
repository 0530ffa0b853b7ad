import type { Readiness, ReadinessCheck } from '../admin/admin-server.js';
import type { DurableStore } from './durable-store.js';
import { RedisStore } from './redis-store.js';

/**
 * Readiness of a service's store for `startNode`'s `readiness`: a Redis store is ready while its connection is up
 * (ioredis queues commands while it is down, so a probe by command would only wait); an embedded LMDB store is
 * reachable as soon as it is open.
 */
export function storeReadiness(store: DurableStore): ReadinessCheck {
  return (): Readiness => {
    if (!(store instanceof RedisStore) || store.client.status === 'ready') return { ready: true };
    return { ready: false, reason: `store unreachable: its Redis connection is ${store.client.status}` };
  };
}

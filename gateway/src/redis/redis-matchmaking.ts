// Colyseus' presence and matchmaking driver on Redis, for gateways that share matchmaking, with every connection
// they open watched by the gateway (RedisOutages) rather than by Colyseus.
import type { EventEmitter } from 'node:events';
import { RedisPresence } from '@colyseus/redis-presence';
import { ArbitratingRedisDriver } from '../rooms/arbitrating-redis-driver.js';
import { type RedisOutages, redisConnectionOptions } from './redis-outages.js';

export interface RedisMatchmaking {
  readonly presence: RedisPresence;
  readonly driver: ArbitratingRedisDriver;
}

export function redisMatchmaking(url: string, outages: RedisOutages): RedisMatchmaking {
  const options = redisConnectionOptions(url);
  const presence = new RedisPresence(options);
  const driver = new ArbitratingRedisDriver(options);
  // Both keep their ioredis connections to themselves: the presence as protected fields, the driver as a private one.
  const { pub, sub } = presence as unknown as { pub: EventEmitter; sub: EventEmitter };
  outages.watch('presence', pub);
  outages.watch('presence subscriber', sub);
  outages.watch('driver', (driver as unknown as { _client: EventEmitter })._client);
  return { presence, driver };
}

// Colyseus' RedisDriver (0.18.3) has no `insert`, so @colyseus/core records a room by overwriting any listing with
// its id. Rooms brought back for a match take the match's id, and two gateways on one Redis may bring back the same
// match at once: with `insert`, core records the first room, discards the second and seats its player in the first.
import type { IRoomCache } from '@colyseus/core';
import { RedisDriver } from '@colyseus/redis-driver';

/** The driver's listings hash; RedisDriver's own key. */
const ROOM_CACHES = 'roomcaches';

/** The part of RedisDriver's ioredis client that insert needs. */
interface HashClient {
  hsetnx(key: string, field: string, value: string): Promise<number>;
}

export class ArbitratingRedisDriver extends RedisDriver {
  /** Records a listing unless one with its room id exists: HSETNX, atomic across every gateway on this Redis. */
  async insert(room: IRoomCache): Promise<boolean> {
    // RedisDriver keeps its client private and has no insert of its own to call.
    const client = (this as unknown as { _client: HashClient })._client;
    return (await client.hsetnx(ROOM_CACHES, room.roomId, JSON.stringify(room))) === 1;
  }
}

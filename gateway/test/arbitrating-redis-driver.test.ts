// Two gateways on one Redis bringing back the same match record one room: the driver's insert, which Colyseus uses
// to arbitrate a room id, holds across connections.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { initializeRoomCache } from '@colyseus/core';
import { RedisServer } from '@packetflow/testing';
import { ArbitratingRedisDriver } from '../src/rooms/arbitrating-redis-driver.js';

describe('ArbitratingRedisDriver', () => {
  let redis: RedisServer;
  const drivers: ArbitratingRedisDriver[] = [];

  before(async () => {
    redis = await RedisServer.start();
  });

  after(async () => {
    for (const driver of drivers) await driver.shutdown();
    await redis.stop();
  });

  it('inserts a listing under a room id once, whichever gateway asks first', async () => {
    drivers.push(new ArbitratingRedisDriver(redis.url), new ArbitratingRedisDriver(redis.url));
    const listing = (processId: string) => {
      const room = initializeRoomCache({ name: 'match', processId });
      room.roomId = 'm-1';
      return room;
    };
    const inserted = await Promise.all(drivers.map((driver, i) => driver.insert(listing(`p${i}`))));
    assert.deepEqual(inserted.toSorted(), [false, true], 'one insert wins');
    const winner = inserted.indexOf(true);
    const found = await drivers[1 - winner]!.findOne({ roomId: 'm-1' });
    assert.equal(found?.processId, `p${winner}`, "both see the winner's room");
    assert.equal(await drivers[0]!.insert(listing('p9')), false, 'and no later insert replaces it');
  });
});

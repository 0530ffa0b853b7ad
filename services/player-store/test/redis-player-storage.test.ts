// What only the Redis backend has to get right: guest records expire by the key's TTL, which every script that
// finds the record pushes back in the same run as its read or write, so no write can land on a key about to go.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RedisServer } from '@packetflow/testing';
import { newPlayer, RedisPlayerStorage } from '../src/index.js';

let redis: RedisServer;
before(async () => {
  redis = await RedisServer.start();
});
after(async () => {
  await redis.stop();
});

describe('RedisPlayerStorage guest TTL', () => {
  const TTL = 600_000;
  const SHORT = 1000;

  it('gives a guest key the guest TTL on creation and again on every load and write; other players none', async () => {
    const storage = new RedisPlayerStorage({ url: redis.url, prefix: 'ttl:player:', guestTtlMs: TTL });
    const pttl = (id: string) => storage.client.pttl(storage.keyOf(id));
    const shorten = (id: string) => storage.client.pexpire(storage.keyOf(id), SHORT);
    const refreshed = async (id: string) => {
      const left = await pttl(id);
      assert.ok(left > SHORT && left <= TTL, `${id}: ${left} ms left`);
    };
    try {
      await Promise.all(['guest-a', 'guest-b', 'hero'].map((id) => storage.create(newPlayer(id, id, 1))));
      await refreshed('guest-a');
      assert.equal(await pttl('hero'), -1);

      await shorten('guest-a');
      await storage.load('guest-a');
      await refreshed('guest-a');

      await shorten('guest-a');
      await storage.create(newPlayer('guest-a', 'again', 2));
      await refreshed('guest-a');

      await Promise.all([shorten('guest-a'), shorten('guest-b')]);
      // one turn, so one batch script for the three
      await Promise.all(
        ['guest-a', 'guest-b', 'hero'].map((id) => storage.apply(id, 1, { items: { gem: 1 } }, `give-${id}`)),
      );
      await refreshed('guest-a');
      await refreshed('guest-b');
      await storage.load('hero');
      assert.equal(await pttl('hero'), -1);
    } finally {
      await storage.close();
    }
  });
});

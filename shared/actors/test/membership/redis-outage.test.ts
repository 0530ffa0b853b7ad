// Redis going away and coming back empty: its own redis-server, since the test kills it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RedisServer } from '@packetflow/testing';
import type { MemberInfo } from '../../src/membership/index.js';
import { membershipKeys } from '../../src/membership/redis-scripts.js';
import { delay, waitFor } from '../helpers.js';
import {
  fastTimings,
  ids,
  linesLogger,
  memberInfo,
  rawClient,
  recordViews,
  startRedisMember,
  uniqueCluster,
} from './support.js';

let redis: RedisServer;
before(async () => {
  redis = await RedisServer.start();
});
after(async () => {
  await redis.stop();
});

describe('RedisMembership when Redis is killed and restarted empty', () => {
  it('keeps the last view meanwhile, re-registers afterwards and sees members that join later', async () => {
    const cluster = uniqueCluster();
    const loggers = [linesLogger(), linesLogger(), linesLogger()];
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map((id, index) => startRedisMember(redis.url, cluster, memberInfo(id), loggers[index])),
    );
    const survivors = [a!, b!];
    let views: MemberInfo[][][] = [];
    let d: Awaited<ReturnType<typeof startRedisMember>> | undefined;
    try {
      for (const member of [a!, b!, c!]) await waitFor(() => member.members().length === 3, 'three members');
      views = survivors.map((member) => recordViews(member));

      await redis.kill('SIGKILL');
      // Several TTLs and full reads without Redis: nobody may drop anybody.
      await delay(2 * (fastTimings.ttlMs + fastTimings.fullReadMs));
      for (const member of survivors) assert.deepEqual(ids(member.members()), ['a', 'b', 'c']);
      assert.deepEqual(views, [[], []], 'no change announced during the outage');
      for (const logger of loggers) {
        const outageLines = logger.lines.filter((line) => line.startsWith('redis unreachable'));
        assert.equal(outageLines.length, 1, `logged once:\n${logger.lines.join('\n')}`);
      }
      // c goes away for good while Redis is down: its leave cannot reach Redis, so only expiry can remove it later.
      await c!.leave();

      await redis.restart();
      const client = await rawClient(redis.url);
      try {
        const keys = membershipKeys(cluster);
        const deadline = Date.now() + 5000;
        let registered: string[] = [];
        while (Date.now() < deadline) {
          registered = (await client.zrange(keys.members, 0, -1)).sort();
          if (registered.length === 2) break;
          await delay(20);
        }
        assert.deepEqual(registered, ['a', 'b'], 'the survivors re-registered in the empty Redis');
      } finally {
        client.disconnect();
      }
      for (const logger of loggers.slice(0, 2)) {
        await waitFor(
          () => logger.lines.some((line) => line.startsWith('redis reachable again')),
          'the recovery to be logged',
        );
      }

      d = await startRedisMember(redis.url, cluster, memberInfo('d'));
      for (const member of [...survivors, d]) {
        await waitFor(() => ids(member.members()).join() === 'a,b,d', 'a, b and d, without c', 5000);
      }
      // Re-registering one by one never made a survivor briefly drop the other (which would move its actors).
      for (const history of views) {
        for (const view of history) assert.ok(ids(view).includes('a') && ids(view).includes('b'), ids(view).join());
      }
    } finally {
      await Promise.all([a!.leave(), b!.leave(), c!.leave(), d?.leave()]);
    }
  });
});

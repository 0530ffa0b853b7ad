import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RedisServer } from '@packetflow/testing';
import type { Redis } from 'ioredis';
import { MembershipConfigError, MembershipStartError, RedisMembership } from '../../src/membership/index.js';
import { membershipKeys } from '../../src/membership/redis-scripts.js';
import { waitFor } from '../helpers.js';
import {
  fastTimings,
  ids,
  killProcess,
  linesLogger,
  memberInfo,
  rawClient,
  recordViews,
  spawnMemberProcess,
  startRedisMember,
  uniqueCluster,
} from './support.js';

let redis: RedisServer;
let client: Redis;
before(async () => {
  redis = await RedisServer.start();
  client = await rawClient(redis.url);
});
after(async () => {
  client.disconnect();
  await redis.stop();
});

describe('RedisMembership', () => {
  it('three members join and each sees all three, announced through onChange', async () => {
    const cluster = uniqueCluster();
    const a = await startRedisMember(redis.url, cluster, memberInfo('a'));
    const aViews = recordViews(a);
    const b = await startRedisMember(redis.url, cluster, memberInfo('b'));
    const c = await startRedisMember(redis.url, cluster, memberInfo('c'));
    try {
      for (const member of [a, b, c]) await waitFor(() => member.members().length === 3, 'three members');
      for (const member of [a, b, c]) assert.deepEqual(ids(member.members()), ['a', 'b', 'c']);
      assert.deepEqual(aViews.map(ids), [
        ['a', 'b'],
        ['a', 'b', 'c'],
      ]);
    } finally {
      await Promise.all([a.leave(), b.leave(), c.leave()]);
    }
  });

  it('a clean leave disappears from the other views at once', async () => {
    const cluster = uniqueCluster();
    const stayers = [
      await startRedisMember(redis.url, cluster, memberInfo('a')),
      await startRedisMember(redis.url, cluster, memberInfo('b')),
    ];
    const leaver = await startRedisMember(redis.url, cluster, memberInfo('c'));
    try {
      for (const member of stayers) await waitFor(() => member.members().length === 3, 'three members');
      const seen = stayers.map(
        (member) =>
          new Promise<number>((resolve) => {
            member.onChange((view) => {
              if (!ids(view).includes('c')) resolve(performance.now());
            });
          }),
      );
      const leftAt = performance.now();
      await leaver.leave();
      const detectedMs = Math.max(...(await Promise.all(seen))) - leftAt;
      console.log(`clean leave seen by both other members after ${detectedMs.toFixed(1)} ms`);
      assert.ok(detectedMs < 1000, `leave took ${detectedMs} ms to be seen`);
      assert.equal(await client.hget(membershipKeys(cluster).infos, 'c'), null);
      assert.equal(await client.zscore(membershipKeys(cluster).members, 'c'), null);
    } finally {
      await Promise.all(stayers.map((member) => member.leave()));
    }
  });

  it('a member that stops heartbeating (SIGKILLed process) is removed after its TTL', async () => {
    const cluster = uniqueCluster();
    const watcher = await startRedisMember(redis.url, cluster, memberInfo('a'));
    const child = await spawnMemberProcess(redis.url, cluster, 'crashing');
    try {
      await waitFor(() => ids(watcher.members()).includes('crashing'), 'the child process to join');
      const killedAt = performance.now();
      await killProcess(child);
      await waitFor(() => !ids(watcher.members()).includes('crashing'), 'the crashed member to expire', 5000);
      const detectedMs = performance.now() - killedAt;
      console.log(
        `crashed member removed ${detectedMs.toFixed(1)} ms after SIGKILL ` +
          `(ttl ${fastTimings.ttlMs} ms, heartbeat ${fastTimings.heartbeatMs} ms, full read ${fastTimings.fullReadMs} ms)`,
      );
      // Its last heartbeat was at most one heartbeat before the kill, so its record outlives the kill by at least this.
      assert.ok(detectedMs >= fastTimings.ttlMs - fastTimings.heartbeatMs - 50, `removed too early: ${detectedMs} ms`);
      assert.deepEqual(ids(watcher.members()), ['a']);
      assert.equal(await client.hget(membershipKeys(cluster).infos, 'crashing'), null, 'cleaned up in Redis');
    } finally {
      await killProcess(child);
      await watcher.leave();
    }
  });

  it('a restarted member (newer startedAt) is a change, and its old incarnation cannot undo it', async () => {
    const cluster = uniqueCluster();
    const watcher = await startRedisMember(redis.url, cluster, memberInfo('a'));
    const oldLogger = linesLogger();
    const old = await startRedisMember(redis.url, cluster, memberInfo('b', { startedAt: 1000 }), oldLogger);
    await waitFor(() => watcher.members().length === 2, 'the first incarnation');
    const views = recordViews(watcher);
    const restarted = await startRedisMember(redis.url, cluster, memberInfo('b', { startedAt: 2000 }));
    try {
      await waitFor(() => watcher.members()[1]?.startedAt === 2000, 'the restarted incarnation');
      assert.deepEqual(
        views.map((view) => view.map((member) => member.startedAt)),
        [[1_700_000_000_000, 2000]],
      );
      await waitFor(
        () => oldLogger.lines.some((line) => line.includes('registered by a newer process')),
        'the old incarnation to notice it was superseded',
      );
      await old.leave();
      await new Promise((resolve) => setTimeout(resolve, fastTimings.fullReadMs * 2));
      assert.equal(watcher.members()[1]?.startedAt, 2000, 'the old leave left the new record alone');
      assert.equal(views.length, 1);
    } finally {
      await Promise.all([watcher.leave(), old.leave(), restarted.leave()]);
    }
  });

  it('ignores malformed records and announcements, logging them once', async () => {
    const cluster = uniqueCluster();
    const keys = membershipKeys(cluster);
    const logger = linesLogger();
    const a = await startRedisMember(redis.url, cluster, memberInfo('a'), logger);
    try {
      const farFuture = Date.now() + 3_600_000;
      await client
        .multi()
        .zadd(keys.members, farFuture, 'not-json', farFuture, 'no-roles', farFuture, 'wrong-id', farFuture, 'no-info')
        .hset(keys.infos, 'not-json', '{"id":', 'no-roles', JSON.stringify({ ...memberInfo('no-roles'), roles: 'x' }))
        .hset(keys.infos, 'wrong-id', JSON.stringify(memberInfo('someone-else')))
        .exec();
      await client.publish(keys.channel, 'garbage');
      await client.publish(keys.channel, JSON.stringify({ type: 'join', id: 42 }));
      const b = await startRedisMember(redis.url, cluster, memberInfo('b'));
      await waitFor(() => a.members().length === 2, 'the real member to join');
      await new Promise((resolve) => setTimeout(resolve, fastTimings.fullReadMs * 3));
      assert.deepEqual(ids(a.members()), ['a', 'b']);
      assert.deepEqual(ids(b.members()), ['a', 'b']);
      const recordLines = logger.lines.filter((line) => line.startsWith('ignoring the malformed membership record'));
      assert.equal(recordLines.length, 3, recordLines.join('\n'));
      assert.ok(recordLines.some((line) => line.includes('of not-json') && line.includes('not JSON')));
      assert.ok(recordLines.some((line) => line.includes('of no-roles') && line.includes('roles is not an array')));
      assert.ok(recordLines.some((line) => line.includes('of wrong-id') && line.includes('its id is someone-else')));
      assert.equal(
        logger.lines.filter((line) => line.startsWith('ignoring a malformed membership announcement')).length,
        2,
      );
      await b.leave();
    } finally {
      await a.leave();
    }
  });

  it('stops calling an unsubscribed listener, and one that throws does not stop the others', async () => {
    const cluster = uniqueCluster();
    const logger = linesLogger();
    const a = await startRedisMember(redis.url, cluster, memberInfo('a'), logger);
    let unsubscribedCalls = 0;
    const unsubscribe = a.onChange(() => unsubscribedCalls++);
    a.onChange(() => {
      throw new Error('listener bug');
    });
    const views = recordViews(a);
    unsubscribe();
    const b = await startRedisMember(redis.url, cluster, memberInfo('b'));
    try {
      await waitFor(() => views.length === 1, 'the join to be announced');
      assert.equal(unsubscribedCalls, 0);
      assert.ok(logger.lines.some((line) => line.includes('listener bug')));
    } finally {
      await Promise.all([a.leave(), b.leave()]);
    }
  });

  it('start rejects with a clear error when Redis cannot be reached, leaving nothing open', async () => {
    const unreachable = await RedisServer.start();
    const url = unreachable.url;
    await unreachable.stop();
    const logger = linesLogger();
    const membership = new RedisMembership({ url, logger, startTimeoutMs: 300, ...fastTimings });
    const startedAt = performance.now();
    await assert.rejects(membership.start(memberInfo('a')), (error) => {
      assert.ok(error instanceof MembershipStartError);
      assert.match(error.message, /could not reach Redis within 300 ms/);
      return true;
    });
    assert.ok(performance.now() - startedAt < 2000);
    await membership.leave();
  });

  it('refuses configuration that cannot work', () => {
    const expectOption = (option: string) => (error: unknown) => {
      assert.ok(error instanceof MembershipConfigError);
      assert.equal(error.option, option);
      return true;
    };
    assert.throws(
      () => new RedisMembership({ url: redis.url, ttlMs: 600, heartbeatMs: 600 }),
      expectOption('heartbeatMs'),
    );
    assert.throws(() => new RedisMembership({ url: redis.url, ttlMs: 0 }), expectOption('ttlMs'));
    assert.throws(() => new RedisMembership({ url: redis.url, fullReadMs: 1.5 }), expectOption('fullReadMs'));
    assert.throws(() => new RedisMembership({ url: redis.url, cluster: 'has space' }), expectOption('cluster'));
    assert.throws(() => new RedisMembership({}), expectOption('url'));
    assert.throws(
      () => new RedisMembership({ url: redis.url, ttlMs: 600, heartbeatMs: 900 }),
      /heartbeatMs: 900 must be below ttlMs \(600\)/,
    );
  });
});

// The Membership contract, run against every implementation: what the cluster layer may rely on whichever is used.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RedisServer } from '@packetflow/testing';
import type { MemberInfo, Membership } from '../../src/membership/index.js';
import { MembershipConfigError, RedisMembership, StaticMembership } from '../../src/membership/index.js';
import { waitFor } from '../helpers.js';
import { fastTimings, ids, linesLogger, memberInfo, uniqueCluster } from './support.js';

interface Implementation {
  readonly name: string;
  /** One unstarted membership per member of a cluster made of `members`. */
  create(members: readonly MemberInfo[]): Membership[];
}

let redis: RedisServer;
before(async () => {
  redis = await RedisServer.start();
});
after(async () => {
  await redis.stop();
});

const implementations: Implementation[] = [
  {
    name: 'StaticMembership',
    create: (members) => members.map(() => new StaticMembership(members, { logger: linesLogger() })),
  },
  {
    name: 'RedisMembership',
    create: (members) => {
      const cluster = uniqueCluster();
      return members.map(() => new RedisMembership({ url: redis.url, cluster, logger: linesLogger(), ...fastTimings }));
    },
  },
];

for (const implementation of implementations) {
  describe(`Membership contract: ${implementation.name}`, () => {
    it('is empty before start', () => {
      const [membership] = implementation.create([memberInfo('a')]);
      assert.deepEqual(membership!.members(), []);
    });

    it('shows every member, self included, sorted by id, with the info each registered', async () => {
      const infos = [memberInfo('c', { roles: ['physics'] }), memberInfo('a'), memberInfo('b', { roles: [] })];
      const memberships = implementation.create(infos);
      try {
        for (const [index, membership] of memberships.entries()) await membership.start(infos[index]!);
        for (const membership of memberships) await waitFor(() => membership.members().length === 3, 'all three');
        for (const membership of memberships) {
          assert.deepEqual(ids(membership.members()), ['a', 'b', 'c']);
          assert.deepEqual(membership.members()[2], infos[0]);
          assert.deepEqual(membership.members()[1], infos[2]);
        }
      } finally {
        await Promise.all(memberships.map((membership) => membership.leave()));
      }
    });

    it('includes self with its own startedAt', async () => {
      const self = memberInfo('solo', { startedAt: 1_800_000_000_000 });
      const [membership] = implementation.create([memberInfo('solo')]);
      await membership!.start(self);
      try {
        assert.deepEqual(membership!.members(), [self]);
      } finally {
        await membership!.leave();
      }
    });

    it('rejects a malformed self with a configuration error', async () => {
      const [membership] = implementation.create([memberInfo('a')]);
      await assert.rejects(membership!.start({ ...memberInfo('a'), address: 'no-port' }), (error) => {
        assert.ok(error instanceof MembershipConfigError);
        assert.equal(error.option, 'self');
        assert.match(error.message, /host:port/);
        return true;
      });
      await membership!.leave();
    });

    it('leave is idempotent and silences listeners', async () => {
      const [membership] = implementation.create([memberInfo('a')]);
      await membership!.start(memberInfo('a'));
      let calls = 0;
      membership!.onChange(() => calls++);
      await Promise.all([membership!.leave(), membership!.leave()]);
      await membership!.leave();
      assert.equal(calls, 0);
      assert.deepEqual(ids(membership!.members()), ['a']);
    });

    it('leave before start resolves', async () => {
      const [membership] = implementation.create([memberInfo('a')]);
      await membership!.leave();
    });
  });
}

describe('StaticMembership', () => {
  it('adds self when the configuration does not list it', async () => {
    const membership = new StaticMembership([memberInfo('b')]);
    await membership.start(memberInfo('a'));
    assert.deepEqual(ids(membership.members()), ['a', 'b']);
  });

  it('refuses a self that the configuration places elsewhere', async () => {
    const membership = new StaticMembership([memberInfo('a', { address: '10.0.0.1:7000' })]);
    await assert.rejects(membership.start(memberInfo('a', { address: '10.0.0.2:7000' })), /10\.0\.0\.1:7000/);
  });

  it('refuses duplicate and malformed configured members', () => {
    assert.throws(
      () => new StaticMembership([memberInfo('a'), memberInfo('a')]),
      (error) => {
        assert.ok(error instanceof MembershipConfigError);
        assert.equal(error.option, 'members[1]');
        return true;
      },
    );
    assert.throws(
      () => new StaticMembership([{ ...memberInfo('a'), roles: [3] as unknown as string[] }]),
      /roles is not an array of strings/,
    );
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RedisServer } from '@packetflow/testing';
import { ActorSystem, Cluster, type MemberInfo, RedisMembership, StaticMembership } from '../../src/index.js';
import { bumpRegistry, counter, freePort } from '../fixtures/bump.js';
import { recordingLogger, waitFor } from '../helpers.js';

const SECRET = 'owns-test-secret';
// The defaults: the lease is 2.5 s from the last refresh sent, so polling has half a second to see it lapse in time.
const TTL_MS = 3000;
const MEMBERSHIP_HEARTBEAT_MS = 1000;

interface Node {
  system: ActorSystem;
  cluster: Cluster;
  membership: RedisMembership;
  leaseEvents: { held: boolean; at: number }[];
}

/** The first counter id that `owner` wins among `a` and `b`. */
function idOwnedBy(cluster: Cluster, owner: string): string {
  for (let i = 0; ; i++) if (cluster.ownerOf('counter', `m-${i}`) === owner) return `m-${i}`;
}

describe('owns(kind, id) with Redis membership: the owner in its view, while its lease holds', () => {
  let redis: RedisServer;
  const nodes = new Map<string, Node>();
  const clusterName = `owns-${process.pid}`;

  async function join(id: string): Promise<Node> {
    const system = await ActorSystem.start({ nodeId: id, logger: recordingLogger() });
    system.register('counter', counter(id));
    const membership = new RedisMembership({
      url: redis.url,
      cluster: clusterName,
      ttlMs: TTL_MS,
      heartbeatMs: MEMBERSHIP_HEARTBEAT_MS,
      fullReadMs: 300,
      logger: recordingLogger(),
    });
    const cluster = await Cluster.join(system, {
      secret: SECRET,
      membership,
      registry: bumpRegistry(),
      logger: recordingLogger(),
    });
    const leaseEvents: Node['leaseEvents'] = [];
    cluster.onLeaseChange((held) => leaseEvents.push({ held, at: performance.now() }));
    const node = { system, cluster, membership, leaseEvents };
    nodes.set(id, node);
    return node;
  }

  before(async () => {
    redis = await RedisServer.start();
    for (const id of ['a', 'b']) await join(id);
    await waitFor(() => [...nodes.values()].every((n) => n.cluster.liveMembers().length === 2), 'a and b to link');
  });

  after(async () => {
    await Promise.all([...nodes.values()].map((n) => n.cluster.close()));
    // close() leaves membership alone, as a crash would; its Redis connections must still go.
    await Promise.all([...nodes.values()].map((n) => n.membership.leave()));
    await redis?.stop();
  });

  const node = (id: string) => nodes.get(id)!;

  test('exactly one of two nodes owns each actor', () => {
    for (let i = 0; i < 50; i++) {
      const owners = ['a', 'b'].filter((id) => node(id).cluster.owns('counter', `k-${i}`));
      assert.equal(owners.length, 1, `k-${i} is owned by [${owners}]`);
      assert.equal(node('a').system.owns('counter', `k-${i}`), owners[0] === 'a', 'system.owns is cluster.owns');
      assert.equal(node('b').system.ownerOf('counter', `k-${i}`), owners[0], 'system.ownerOf names the owner');
    }
  });

  test('with Redis down the lease holds while every member answers, and lapses once one does not', async () => {
    const c = await join('c');
    await waitFor(() => [...nodes.values()].every((n) => n.cluster.liveMembers().length === 3), 'a, b and c to link');
    const id = idOwnedBy(node('a').cluster, 'a');
    assert.equal(node('a').cluster.owns('counter', id), true);

    await redis.kill();
    // Past the TTL: had anyone still reached Redis, a's record would have expired there by now. Nobody did, so
    // nobody can have dropped a, and every member still hears it: matches must play on through a Redis outage.
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 500));
    for (const n of nodes.values()) assert.equal(n.cluster.leaseHeld(), true);
    assert.equal(node('a').cluster.owns('counter', id), true);
    assert.deepEqual(node('a').leaseEvents, []);

    // c stops answering (it crashed, or it is cut off and may believe a gone): a can no longer tell that nobody
    // moved its actors, and gives the lease up at once.
    const cut = performance.now();
    await c.cluster.close();
    await waitFor(() => !node('a').cluster.owns('counter', id), "a's lease to lapse", 5000);
    const lapsedMs = performance.now() - cut;
    assert.equal(node('a').cluster.ownerOf('counter', id), 'a', 'in its view a is still the owner');
    await waitFor(() => node('a').leaseEvents.at(-1)?.held === false, 'the lease-lost event', 2000);
    await waitFor(() => !node('b').cluster.leaseHeld(), "b's lease to lapse too", 2000);
    console.log(`Redis down, c gone: a stopped owning ${id} after ${Math.round(lapsedMs)} ms`);

    await redis.restart();
    const restarted = performance.now();
    await waitFor(() => node('a').cluster.owns('counter', id), "a's lease to be renewed", 15_000);
    const regainedMs = performance.now() - restarted;
    assert.deepEqual(
      node('a').leaseEvents.map((e) => e.held),
      [false, true],
    );
    console.log(`Redis restarted: a owned ${id} again after ${Math.round(regainedMs)} ms`);
    await waitFor(() => node('b').cluster.leaseHeld(), "b's lease to be renewed", 15_000);
    await c.membership.leave();
    nodes.delete('c');
    await waitFor(() => node('a').cluster.liveMembers().length === 2, 'c out of the view', 10_000);
  });

  test('when the owner dies, the other node owns its actors; the dead one owns nothing', async () => {
    const id = idOwnedBy(node('a').cluster, 'b');
    assert.equal(node('b').cluster.owns('counter', id), true);
    assert.equal(node('a').cluster.owns('counter', id), false);
    // No Leave and no deregistration: b's record stays in Redis until its TTL, but its link is gone.
    await node('b').cluster.close();
    assert.equal(node('b').cluster.owns('counter', id), false);
    await waitFor(() => node('a').cluster.owns('counter', id), 'a to own what b owned', 5000);
  });

  test('a node that leaves owns nothing and hears that its lease is gone', async () => {
    const id = idOwnedBy(node('a').cluster, 'a');
    await node('a').cluster.leave({ graceMs: 0 });
    assert.equal(node('a').cluster.owns('counter', id), false);
    assert.equal(node('a').leaseEvents.at(-1)?.held, false);
  });
});

describe('owns(kind, id) with static membership and without a cluster', () => {
  test('static membership: no lease to lose, so owning follows the view alone', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const members: MemberInfo[] = [
      { id: 'a', roles: ['counter'], address: `127.0.0.1:${portA}`, startedAt: 0 },
      { id: 'b', roles: ['counter'], address: `127.0.0.1:${portB}`, startedAt: 0 },
    ];
    const joined = await Promise.all(
      members.map(async (self) => {
        const system = await ActorSystem.start({ nodeId: self.id, logger: recordingLogger() });
        system.register('counter', counter(self.id));
        const cluster = await Cluster.join(system, {
          secret: SECRET,
          membership: new StaticMembership(members),
          port: Number(self.address.split(':')[1]),
          registry: bumpRegistry(),
          logger: recordingLogger(),
        });
        return cluster;
      }),
    );
    const [a, b] = joined as [Cluster, Cluster];
    try {
      await waitFor(() => a.liveMembers().length === 2 && b.liveMembers().length === 2, 'a and b to link');
      const events: boolean[] = [];
      a.onLeaseChange((held) => events.push(held));
      assert.equal(a.leaseHeld(), true);
      const id = idOwnedBy(a, 'b');
      assert.deepEqual([a.owns('counter', id), b.owns('counter', id)], [false, true]);
      await b.close();
      await waitFor(() => a.owns('counter', id), 'a to own what b owned');
      assert.deepEqual(events, []);
    } finally {
      await Promise.all(joined.map((c) => c.close()));
    }
  });

  test('a system without a cluster owns every actor until it shuts down', async () => {
    const system = await ActorSystem.start({ logger: recordingLogger() });
    assert.equal(system.owns('counter', 'anything'), true);
    await system.shutdown();
    assert.equal(system.owns('counter', 'anything'), false);
  });
});

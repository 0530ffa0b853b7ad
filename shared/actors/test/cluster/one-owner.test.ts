import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Member, RendezvousRouter } from '@packetflow/protocol';
import { nodeMetrics, nodeRegistry } from '../../src/admin/node-metrics.js';
import {
  ActorSystem,
  Cluster,
  defineBehavior,
  type MemberInfo,
  NotOwnerError,
  StaticMembership,
  worthRetrying,
} from '../../src/index.js';
import { runtimeOf } from '../../src/system.js';
import { type Bump, type Bumped, bump, bumpRegistry, counter, freePort } from '../fixtures/bump.js';
import { delay, recordingLogger, waitFor } from '../helpers.js';

const SECRET = 'test-secret-one-owner';

/**
 * Static member lists that disagree, as views do while members join: `client` has not seen `c` and `d` join, `a` and
 * `b` have seen `c` but not `d`, `c` and `d` have seen everyone. Links between members that list each other open;
 * the others are refused (c and d by the client, d by a and b), so each node routes over the members it can reach.
 */
const VIEWS: Record<string, readonly string[]> = {
  client: ['a', 'b', 'client'],
  a: ['a', 'b', 'c', 'client'],
  b: ['a', 'b', 'c', 'client'],
  c: ['a', 'b', 'c', 'd', 'client'],
  d: ['a', 'b', 'c', 'd', 'client'],
};

interface Node {
  system: ActorSystem;
  cluster: Cluster;
}

function ownerAmong(ids: readonly string[], id: string): string {
  const router = new RendezvousRouter<Member>();
  router.setMembers(ids.map((member) => ({ id: member, roles: ['counter'] })));
  return router.owner('counter', id)!.id;
}

/** The first counter id whose owner is `a` for the client, `c` for a, and `expectedByC` for c. */
function idOwned(expectedByC: string, skip: number): string {
  let found = 0;
  for (let i = 0; ; i++) {
    const id = `k-${i}`;
    if (
      ownerAmong(['a', 'b'], id) === 'a' &&
      ownerAmong(['a', 'b', 'c'], id) === 'c' &&
      ownerAmong(['a', 'b', 'c', 'd'], id) === expectedByC &&
      found++ === skip
    ) {
      return id;
    }
  }
}

describe('one owner per virtual actor while membership views differ', () => {
  const nodes = new Map<string, Node>();

  before(async () => {
    const ids = Object.keys(VIEWS);
    const ports = new Map(await Promise.all(ids.map(async (id) => [id, await freePort()] as const)));
    const info = (id: string): MemberInfo => ({
      id,
      roles: id === 'client' ? [] : ['counter'],
      address: `127.0.0.1:${ports.get(id)}`,
      startedAt: 0,
    });
    await Promise.all(
      ids.map(async (id) => {
        const system = await ActorSystem.start({ nodeId: id, logger: recordingLogger() });
        if (id !== 'client') system.register('counter', counter(id));
        const registry = bumpRegistry();
        if (id === 'client') registry.registerEmpty('Garbled');
        const cluster = await Cluster.join(system, {
          secret: SECRET,
          membership: new StaticMembership(VIEWS[id]!.map(info)),
          port: ports.get(id),
          roles: info(id).roles,
          registry,
          logger: recordingLogger(),
          reconnect: { baseMs: 50, maxMs: 200 },
        });
        nodes.set(id, { system, cluster });
      }),
    );
    const node = (id: string) => nodes.get(id)!;
    await waitFor(
      () =>
        node('client').cluster.liveMembers().length === 3 &&
        node('a').cluster.liveMembers().length === 4 &&
        node('c').cluster.liveMembers().length === 4,
      'the links each view allows to open',
    );
  });

  after(async () => {
    await Promise.all([...nodes.values()].map((n) => n.cluster.close()));
  });

  const node = (id: string) => nodes.get(id)!;

  test('an ask to a node that does not own its target is answered by the owner, through that node', async () => {
    const id = idOwned('c', 0);
    assert.equal(node('client').cluster.ownerOf('counter', id), 'a');
    assert.equal(node('a').cluster.ownerOf('counter', id), 'c');
    const client = node('client').system;
    const first = await client.send<Bumped>(client.ref('counter', id), bump(id), { timeoutMs: 2000 });
    assert.deepEqual([first.body.playerId, first.body.matches], ['c', 1]);
    assert.equal(node('a').system.activeActors, 0, 'no second copy on the node the ask reached first');
    assert.equal(node('a').cluster.stats.forwarded, 1);

    // Asked where its own view routes it, the same copy answers.
    const answer = await node('b').system.send<Bumped>(node('b').system.ref('counter', id), bump(id));
    assert.deepEqual([answer.body.playerId, answer.body.matches], ['c', 2]);
  });

  test('an ask that reaches a second node that does not own it is refused with NotOwnerError', async () => {
    const id = idOwned('d', 1);
    assert.equal(node('c').cluster.ownerOf('counter', id), 'd');
    const client = node('client').system;
    const refusal = await client.send(client.ref('counter', id), bump(id), { timeoutMs: 2000 }).then(
      () => assert.fail('a node answered for an actor it does not own'),
      (error: unknown) => error,
    );
    assert.ok(refusal instanceof NotOwnerError, String(refusal));
    assert.match(refusal.message, /c sees d as the owner .*, and a forwarded it already/);
    assert.ok(worthRetrying(refusal), 'the sender may ask again once its view has caught up');
    assert.equal(node('c').system.activeActors, 1, 'c activated only what it owns');
    assert.equal(node('d').system.activeActors, 0, 'the packet did not bounce on to d');
  });

  test('a tell to a node that does not own its target is passed on to the owner once', async () => {
    const id = idOwned('c', 1);
    const forwardedBefore = node('a').cluster.stats.forwarded;
    const activeOnOwner = node('c').system.activeActors;
    node('client').system.tell(node('client').system.ref('counter', id), bump(id));
    await waitFor(() => node('a').cluster.stats.forwarded === forwardedBefore + 1, 'a to pass the tell on');
    // The tell activates the fresh actor on c as it arrives; an ask after that queues behind it in its mailbox.
    await waitFor(() => node('c').system.activeActors === activeOnOwner + 1, 'the tell to reach c');
    const answer = await node('c').system.send<Bumped>(node('c').system.ref('counter', id), bump(id));
    assert.deepEqual([answer.body.playerId, answer.body.matches], ['c', 2], 'the owner counted the forwarded tell');
    assert.equal(node('a').system.activeActors, 0, 'no second copy on the node the tell reached first');
  });

  test('a forwarded packet is never forwarded again: views that disagree cannot bounce it', async () => {
    const id = idOwned('d', 0);
    assert.equal(node('c').cluster.ownerOf('counter', id), 'd');
    const before = { ...node('c').cluster.stats };
    node('client').system.tell(node('client').system.ref('counter', id), bump(id));
    await waitFor(() => node('c').cluster.stats.notOwned === before.notOwned + 1, 'c to refuse the forwarded tell');
    assert.equal(node('c').cluster.stats.undeliverable, before.undeliverable + 1);
    assert.equal(node('c').cluster.stats.forwarded, before.forwarded);
    for (const host of ['a', 'c', 'd']) {
      assert.equal(node(host).system.activeActors, host === 'c' ? 2 : 0, `activations on ${host}`);
    }
  });

  test('bad input from a peer, forwarded, still never reaches an actor', async () => {
    const id = idOwned('c', 2);
    const refusedBefore = node('c').cluster.endpoint.stats.refused;
    const activeBefore = node('c').system.activeActors;
    // A message type the counters have no codec or handler for.
    node('client').cluster.endpoint.tell({ kind: 'counter', id }, { type: 'Garbled' }, { node: 'a' });
    await waitFor(() => node('c').cluster.endpoint.stats.refused > refusedBefore, 'c to refuse the unreadable body');
    assert.equal(node('c').system.activeActors, activeBefore);
  });

  test("the counts are a node's metrics", async () => {
    const registry = nodeRegistry('c');
    nodeMetrics(registry, runtimeOf(node('c').system), () => node('c').cluster);
    const text = await registry.metrics();
    assert.match(
      text,
      new RegExp(`packetflow_cluster_not_owned_total\\{node="c"\\} ${node('c').cluster.stats.notOwned}\\n`),
    );
    assert.ok(node('c').cluster.stats.notOwned > 0);
    const registryA = nodeRegistry('a');
    nodeMetrics(registryA, runtimeOf(node('a').system), () => node('a').cluster);
    assert.match(await registryA.metrics(), /packetflow_cluster_forwarded_total\{node="a"\} [1-9]/);
  });
});

describe('an ask passed on to an owner that goes down', () => {
  test('is answered NotOwnerError by the node that passed it on, at once, not at its deadline', async () => {
    const ids = ['client', 'a', 'c'];
    const ports = new Map(await Promise.all(ids.map(async (id) => [id, await freePort()] as const)));
    const info = (id: string): MemberInfo => ({
      id,
      roles: id === 'client' ? [] : ['slow'],
      address: `127.0.0.1:${ports.get(id)}`,
      startedAt: 0,
    });
    // The client has not seen c join, so it asks a; a has, and passes the ask on to c.
    const views: Record<string, string[]> = {
      client: ['client', 'a'],
      a: ['client', 'a', 'c'],
      c: ['client', 'a', 'c'],
    };
    const joined = new Map<string, { system: ActorSystem; cluster: Cluster }>();
    for (const id of ids) {
      const system = await ActorSystem.start({ nodeId: id, logger: recordingLogger() });
      system.register(
        'slow',
        defineBehavior<Record<string, never>, Bump>({
          initial: () => ({}),
          handlers: { Bump: () => delay(3000) },
        }),
      );
      const cluster = await Cluster.join(system, {
        secret: SECRET,
        membership: new StaticMembership(views[id]!.map(info)),
        port: ports.get(id),
        roles: info(id).roles,
        registry: bumpRegistry(),
        logger: recordingLogger(),
      });
      joined.set(id, { system, cluster });
    }
    const [client, a, c] = ids.map((id) => joined.get(id)!) as [Node, Node, Node];
    try {
      await waitFor(() => a.cluster.liveMembers().length === 3, 'a to link to c');
      let id = 's-0';
      for (let i = 0; a.cluster.ownerOf('slow', id) !== 'c'; i++) id = `s-${i}`;
      const asked = client.system.send(client.system.ref('slow', id), bump(id), { timeoutMs: 10_000 });
      await waitFor(() => c.system.activeActors === 1, 'the ask to reach c through a');
      const since = performance.now();
      await c.cluster.close();
      const error = await asked.then(
        () => assert.fail('the ask was answered by an owner that went down'),
        (failure: unknown) => failure,
      );
      assert.ok(error instanceof NotOwnerError, String(error));
      assert.match(error.message, /a passed it on to c, its owner, which went down/);
      assert.ok(performance.now() - since < 2500, 'failed at once, well before the handler or the deadline would end');
      assert.equal(a.system.activeActors, 0);
    } finally {
      await Promise.all([...joined.values()].map((n) => n.cluster.close()));
    }
  });
});

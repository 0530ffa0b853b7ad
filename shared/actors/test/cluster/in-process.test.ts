import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ActorSystem,
  Cluster,
  type Down,
  defineBehavior,
  type MemberInfo,
  PeerDownError,
  PeerOverloadedError,
  StaticMembership,
} from '../../src/index.js';
import { type Bumped, bump, bumpRegistry, counter, freePort } from '../fixtures/bump.js';
import { recordingLogger, waitFor } from '../helpers.js';

const SECRET = 'test-secret';

interface Node {
  system: ActorSystem;
  cluster: Cluster;
  logger: ReturnType<typeof recordingLogger>;
}

/** `count` nodes hosting `counter`, plus a client node hosting nothing, joined over real TCP on loopback. */
async function staticCluster(count: number, options: { maxQueuedPackets?: number } = {}) {
  const ids = [...Array.from({ length: count }, (_, i) => `host-${i}`), 'client'];
  const ports = await Promise.all(ids.map(() => freePort()));
  const members: MemberInfo[] = ids.map((id, i) => ({
    id,
    roles: id === 'client' ? [] : ['counter', 'mortal'],
    address: `127.0.0.1:${ports[i]}`,
    startedAt: 0,
  }));
  const nodes = await Promise.all(
    ids.map(async (id, i): Promise<Node> => {
      const logger = recordingLogger();
      const system = await ActorSystem.start({ nodeId: id, logger });
      if (id !== 'client') {
        system.register('counter', counter(id));
        system.register('mortal', {
          initial: () => ({}),
          handlers: {
            Die: () => {
              throw new Error('mortal wound');
            },
            Bump: (_msg, ctx) => ctx.stop(),
          },
          supervision: { strategy: 'stop' },
        });
      }
      const cluster = await Cluster.join(system, {
        secret: SECRET,
        membership: new StaticMembership(members),
        port: ports[i],
        roles: members[i]!.roles,
        registry: bumpRegistry().registerEmpty('Die'),
        logger,
        ...options,
      });
      return { system, cluster, logger };
    }),
  );
  await waitFor(() => nodes.every((n) => n.cluster.liveMembers().length === ids.length), 'every link to open');
  const client = nodes.at(-1)!;
  return { hosts: nodes.slice(0, -1), client, close: () => Promise.all(nodes.map((n) => n.cluster.close())) };
}

describe('cluster on one machine', () => {
  test('asks from a node hosting nothing reach the owner of each actor, spread over the hosts', async () => {
    const { client, close } = await staticCluster(3);
    try {
      const owners = new Map<string, number>();
      for (let i = 0; i < 300; i++) {
        const reply = await client.system.send<Bumped>(client.system.ref('counter', `c-${i}`), bump(`c-${i}`));
        assert.equal(reply.body.matches, 1);
        const owner = reply.body.playerId!;
        assert.equal(owner, client.cluster.ownerOf('counter', `c-${i}`));
        owners.set(owner as string, (owners.get(owner as string) ?? 0) + 1);
      }
      assert.deepEqual([...owners.keys()].sort(), ['host-0', 'host-1', 'host-2']);
      for (const n of owners.values()) assert.ok(n > 50, `uneven spread: ${[...owners.values()]}`);
      const again = await client.system.send<Bumped>(client.system.ref('counter', 'c-7'), bump('c-7'));
      assert.equal(again.body.matches, 2, 'the same activation answered again');
    } finally {
      await close();
    }
  });

  test('tells keep their order across nodes, and a node answers on behalf of the ask it got', async () => {
    const { client, close } = await staticCluster(2);
    try {
      const ref = client.system.ref('counter', 'ordered');
      for (let i = 0; i < 5000; i++) client.system.tell(ref, bump('ordered', i));
      const last = await client.system.send<Bumped>(ref, bump('ordered', 5000));
      assert.equal(last.body.matches, 5001);
      assert.equal(last.body.score, 5000);
    } finally {
      await close();
    }
  });

  test('a node that goes away is suspected at once: its asks fail fast, its actors move, watchers get Down', async () => {
    const { hosts, client, close } = await staticCluster(3);
    try {
      const victim = hosts[1]!;
      const onVictim = Array.from({ length: 200 }, (_, i) => `v-${i}`).filter(
        (id) => client.cluster.ownerOf('counter', id) === victim.cluster.nodeId,
      );
      assert.ok(onVictim.length > 20);
      const downs: Down[] = [];
      client.system.register(
        'watcher',
        defineBehavior<object, { type: 'watch' } | Down>({
          initial: () => ({}),
          handlers: {
            watch: (_msg, ctx) => ctx.watch(ctx.system.ref('counter', onVictim[0]!)),
            Down: (msg) => {
              downs.push(msg);
            },
          },
        }),
      );
      await client.system.send(client.system.ref('watcher', 'w'), { type: 'watch' });
      victim.system.register('slow', { initial: () => ({}), handlers: { Bump: () => new Promise(() => {}) } });
      const stuck = client.cluster.endpoint.ask({ kind: 'slow', id: 's' }, bump('s'), {
        node: victim.cluster.nodeId,
        timeoutMs: 30_000,
      });
      await victim.cluster.close();
      const started = Date.now();
      await assert.rejects(stuck, PeerDownError);
      assert.ok(Date.now() - started < 5000, 'the ask failed long before its 30 s deadline');
      await waitFor(() => !client.cluster.liveMembers().some((m) => m.id === victim.cluster.nodeId), 'suspicion');
      for (const id of onVictim) {
        const reply = await client.system.send<Bumped>(client.system.ref('counter', id), bump(id));
        assert.notEqual(reply.body.playerId, victim.cluster.nodeId);
      }
      await waitFor(() => downs.length === 1, 'Down for the watched actor');
      assert.equal(downs[0]!.reason, 'node_down');
      assert.equal(downs[0]!.actor.id, onVictim[0]);
    } finally {
      await close();
    }
  });

  test('a member that leaves gracefully is logged at info by the others, a crash as a warning', async () => {
    const { hosts, client, close } = await staticCluster(3);
    try {
      const [leaver, crasher] = [hosts[0]!, hosts[1]!];
      await leaver.cluster.leave();
      await waitFor(
        () => client.logger.infos.includes(`host-0 left the cluster; link to ${leaver.cluster.address} closed`),
        'the info line for the graceful leave',
      );
      await crasher.cluster.close();
      await waitFor(() => client.logger.warnings.some((w) => w.startsWith('link to host-1 ')), 'the crash warning');
      for (const node of [client, hosts[2]!]) {
        assert.deepEqual(
          node.logger.warnings.filter((w) => w.includes('host-0')),
          [],
          `${node.cluster.nodeId} warned of a graceful leave`,
        );
      }
    } finally {
      await close();
    }
  });

  test('a watcher on one node gets Down when the actor it watches on another node stops, and only once', async () => {
    const { hosts, client, close } = await staticCluster(2);
    try {
      const downs: Down[] = [];
      client.system.register(
        'watcher',
        defineBehavior<object, { type: 'watch'; id: string } | Down>({
          initial: () => ({}),
          handlers: {
            watch: (msg, ctx) => ctx.watch(ctx.system.ref('mortal', msg.id)),
            Down: (msg) => {
              downs.push(msg);
            },
          },
        }),
      );
      const watcher = client.system.ref<{ type: 'watch'; id: string }>('watcher', 'w');
      await client.system.send(watcher, { type: 'watch', id: 'doomed' });
      await client.system.send(watcher, { type: 'watch', id: 'retiring' });
      // No pause needed: the Watch packets went out on the same link before these, and links keep order.
      client.system.tell(client.system.ref('mortal', 'doomed'), { type: 'Die' });
      client.system.tell(client.system.ref('mortal', 'retiring'), bump('retiring'));
      await waitFor(() => downs.length === 2, 'two Downs from the other node');
      const byId = new Map(downs.map((d) => [d.actor.id, d]));
      assert.equal(byId.get('doomed')!.reason, 'failed');
      assert.match(byId.get('doomed')!.detail, /mortal wound/);
      assert.equal(byId.get('retiring')!.reason, 'normal');
      assert.equal(byId.get('doomed')!.actor.kind, 'mortal');
      // Their nodes going down later says nothing more of actors the watcher already heard stopped.
      for (const host of hosts) await host.cluster.close();
      await waitFor(() => client.cluster.liveMembers().length === 1, 'the client to see both hosts gone');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(
        downs.map((d) => `${d.actor.id} ${d.reason}`).sort(),
        ['doomed failed', 'retiring normal'],
        'no node_down after the Downs',
      );
    } finally {
      await close();
    }
  });

  test('a full outbound queue refuses sends instead of growing: asks fail typed, tells are counted', async () => {
    const { client, close } = await staticCluster(1, { maxQueuedPackets: 100 });
    try {
      const ref = client.system.ref('counter', 'flooded');
      for (let i = 0; i < 150; i++) client.system.tell(ref, bump('flooded', i));
      await assert.rejects(client.system.send(ref, bump('flooded')), PeerOverloadedError);
      assert.equal(client.cluster.stats.undeliverable, 50);
      await new Promise((resolve) => setImmediate(resolve));
      const reply = await client.system.send<Bumped>(ref, bump('flooded'));
      assert.equal(reply.body.matches, 101, 'the first 100 tells were delivered, then this ask');
    } finally {
      await close();
    }
  });

  test('a message type without a codec cannot leave the node, and says why', async () => {
    const { client, close } = await staticCluster(1);
    try {
      await assert.rejects(client.system.send(client.system.ref('counter', 'x'), { type: 'NoCodec' }), /no codec/);
      client.system.tell(client.system.ref('counter', 'x'), { type: 'NoCodec' });
      assert.equal(client.cluster.stats.unencodable, 1);
      await assert.rejects(client.system.send(client.system.ref('nobody-hosts-this', 'x'), bump('x')), {
        name: 'UnknownKindError',
        message: /no live member of the cluster hosts actor kind "nobody-hosts-this"/,
      });
    } finally {
      await close();
    }
  });
});

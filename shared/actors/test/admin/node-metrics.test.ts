import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import { AdminServer } from '../../src/admin/admin-server.js';
import { nodeMetrics, nodeRegistry } from '../../src/admin/node-metrics.js';
import {
  ActorSystem,
  Cluster,
  defineBehavior,
  type Logger,
  type MemberInfo,
  StaticMembership,
} from '../../src/index.js';
import { runtimeOf } from '../../src/system.js';
import { type Bumped, bump, bumpRegistry, counter, freePort } from '../fixtures/bump.js';
import { deferred, waitFor } from '../helpers.js';

const SECRET = 'node-metrics-test-secret';
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

interface MeteredNode {
  system: ActorSystem;
  cluster: Cluster;
  admin: AdminServer;
  scrape(): Promise<MetricFamily[]>;
  scrapeText(): Promise<string>;
}

/** A gate actor's handler waits on this node's `gate` promise, so its mailbox fills while a test holds it. */
type GateMessage = { type: 'wait' };

/** `count` nodes hosting `counter` (the first also `gate`), each with its admin endpoint, over real TCP. */
async function meteredCluster(count: number, heartbeatMs = 5000) {
  const ids = Array.from({ length: count }, (_, i) => `m-${i}`);
  const ports = await Promise.all(ids.map(() => freePort()));
  const members: MemberInfo[] = ids.map((id, i) => ({
    id,
    roles: i === 0 ? ['counter', 'gate'] : ['counter'],
    address: `127.0.0.1:${ports[i]}`,
    startedAt: 0,
  }));
  const gate = deferred();
  const nodes = await Promise.all(
    ids.map(async (id, i): Promise<MeteredNode> => {
      const system = await ActorSystem.start({ nodeId: id, logger: quiet });
      system.register('counter', counter(id));
      system.register(
        'gate',
        defineBehavior<object, GateMessage>({ initial: () => ({}), handlers: { wait: () => gate.promise } }),
      );
      const registry = nodeRegistry(id);
      let joined: Cluster | undefined;
      nodeMetrics(registry, runtimeOf(system), () => joined);
      const admin = await AdminServer.start({
        host: '127.0.0.1',
        port: 0,
        metrics: registry,
        readiness: () => ({ ready: true }),
      });
      joined = await Cluster.join(system, {
        secret: SECRET,
        membership: new StaticMembership(members),
        port: ports[i],
        roles: members[i]!.roles,
        registry: bumpRegistry(),
        logger: quiet,
        heartbeatMs,
      });
      const scrapeText = async () => (await fetch(`http://${admin.address}/metrics`)).text();
      const scrape = async () => parsePrometheusTextFormat(await scrapeText());
      return { system, cluster: joined, admin, scrape, scrapeText };
    }),
  );
  await waitFor(() => nodes.every((n) => n.cluster.liveMembers().length === count), 'every link to open');
  const close = async () => {
    gate.resolve();
    await Promise.all(nodes.map(async (n) => Promise.all([n.cluster.close(), n.admin.close()])));
  };
  return { nodes, release: gate.resolve, close };
}

function series(families: MetricFamily[], name: string, labels: Record<string, string>) {
  const family = families.find((f) => f.name === name);
  assert.ok(family, `no metric ${name}`);
  return family.metrics.find((m) => Object.entries(labels).every(([key, value]) => m.labels?.[key] === value));
}

/** A sample's value, or undefined when the series is absent. */
function sampleOrNone(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  const metric = series(families, name, labels);
  return metric?.value === undefined ? undefined : Number(metric.value);
}

function sample(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number {
  const value = sampleOrNone(families, name, labels);
  assert.ok(value !== undefined, `no sample of ${name} with ${JSON.stringify(labels)}`);
  return value;
}

/**
 * The ask histogram's count for `scope`, read from the text itself: parse-prometheus-text-format folds every series
 * of a histogram into one and drops their labels, so it cannot tell the scopes apart.
 */
function observations(text: string, scope: 'local' | 'remote'): number {
  const line = text
    .split('\n')
    .find((l) => l.startsWith('packetflow_ask_duration_seconds_count{') && l.includes(`scope="${scope}"`));
  assert.ok(line !== undefined, `no ask histogram for scope ${scope}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Scrapes until `read` finds what it looks for in a scrape, and returns that. */
async function scrapeUntil<T>(
  node: MeteredNode,
  what: string,
  read: (families: MetricFamily[]) => T | undefined,
): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = read(await node.scrape());
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A counter id whose owner is `node`. */
function idOwnedBy(observer: Cluster, node: string): string {
  for (let i = 0; ; i++) if (observer.ownerOf('counter', `c-${i}`) === node) return `c-${i}`;
}

describe('node metrics', () => {
  test('asks are timed by scope, and traffic is counted per peer both ways', async () => {
    const { nodes, close } = await meteredCluster(2);
    const [here, there] = nodes as [MeteredNode, MeteredNode];
    try {
      const textBefore = await here.scrapeText();
      const before = parsePrometheusTextFormat(textBefore);
      assert.equal(before.find((f) => f.name === 'packetflow_ask_duration_seconds')?.type, 'HISTOGRAM');
      const local = here.system.ref('counter', idOwnedBy(here.cluster, 'm-0'));
      const remote = here.system.ref('counter', idOwnedBy(here.cluster, 'm-1'));
      for (let i = 0; i < 3; i++) {
        assert.equal((await here.system.send<Bumped>(local, bump('l'))).body.playerId, 'm-0');
        assert.equal((await here.system.send<Bumped>(remote, bump('r'))).body.playerId, 'm-1');
      }
      const textAfter = await here.scrapeText();
      const after = parsePrometheusTextFormat(textAfter);
      assert.ok(observations(textAfter, 'local') >= observations(textBefore, 'local') + 3);
      assert.ok(observations(textAfter, 'remote') >= observations(textBefore, 'remote') + 3);

      for (const name of [
        'packetflow_cluster_sent_frames_total',
        'packetflow_cluster_sent_bytes_total',
        'packetflow_cluster_received_frames_total',
        'packetflow_cluster_received_bytes_total',
      ]) {
        const was = sampleOrNone(before, name, { peer: 'm-1' }) ?? 0;
        assert.ok(sample(after, name, { peer: 'm-1' }) > was, `${name} moved`);
      }
      // Bytes sent by one side are bytes received by the other, prefixes and all, once nothing is in flight.
      const sentHere = sample(after, 'packetflow_cluster_sent_bytes_total', { peer: 'm-1' });
      const receivedThere = await scrapeUntil(there, 'the bytes to arrive', (families) => {
        const value = sampleOrNone(families, 'packetflow_cluster_received_bytes_total', { peer: 'm-0' });
        return value !== undefined && value >= sentHere ? value : undefined;
      });
      assert.ok(receivedThere >= sentHere);
    } finally {
      await close();
    }
  });

  test('heartbeats give a round trip per peer', async () => {
    const { nodes, close } = await meteredCluster(3, 20);
    try {
      for (const node of nodes) {
        const peers = nodes.filter((n) => n !== node).map((n) => n.system.nodeId);
        const rtts = await scrapeUntil(node, `round trips on ${node.system.nodeId}`, (families) => {
          const values = peers.map((peer) => sampleOrNone(families, 'packetflow_cluster_peer_rtt_seconds', { peer }));
          return values.every((v) => v !== undefined) ? (values as number[]) : undefined;
        });
        for (const rtt of rtts) assert.ok(rtt > 0, `round trip ${rtt}`);
        assert.equal(node.system.stats.deadLetters, 0, 'no heartbeat reached an actor');
      }
    } finally {
      await close();
    }
  });

  test('members by state: live, suspected once a peer drops, leaving once one leaves', async () => {
    const { nodes, close } = await meteredCluster(3);
    const [observer, leaver, crasher] = nodes as [MeteredNode, MeteredNode, MeteredNode];
    const members = (families: MetricFamily[]) => ({
      live: sample(families, 'packetflow_cluster_members', { state: 'live' }),
      suspected: sample(families, 'packetflow_cluster_members', { state: 'suspected' }),
      leaving: sample(families, 'packetflow_cluster_members', { state: 'leaving' }),
    });
    try {
      assert.deepEqual(members(await observer.scrape()), { live: 3, suspected: 0, leaving: 0 });

      await crasher.cluster.close();
      await scrapeUntil(observer, 'the dropped peer to be suspected', (families) =>
        members(families).suspected === 1 ? true : undefined,
      );
      assert.deepEqual(members(await observer.scrape()), { live: 2, suspected: 1, leaving: 0 });

      await leaver.cluster.leave();
      await scrapeUntil(observer, 'the peer that left to be leaving', (families) =>
        members(families).leaving === 1 ? true : undefined,
      );
      assert.deepEqual(members(await observer.scrape()), { live: 1, suspected: 1, leaving: 1 });
    } finally {
      await close();
    }
  });

  test('mailbox depth shows a backlog while a handler waits, and drops once it is released', async () => {
    const { nodes, release, close } = await meteredCluster(1);
    const node = nodes[0]!;
    try {
      const gate = node.system.ref<GateMessage>('gate', 'g');
      for (let i = 0; i < 50; i++) node.system.tell(gate, { type: 'wait' });
      await waitFor(() => node.system.stats.messages >= 1, 'the first message to be taken');
      const held = await node.scrape();
      assert.equal(sample(held, 'packetflow_mailbox_depth_max', { kind: 'gate' }), 49);
      assert.equal(sample(held, 'packetflow_mailbox_messages', { kind: 'gate' }), 49);
      assert.equal(sample(held, 'packetflow_mailbox_depth_max', { kind: 'counter' }), 0);

      release();
      await waitFor(() => node.system.stats.messages >= 50, 'the backlog to drain');
      const drained = await node.scrape();
      assert.equal(sample(drained, 'packetflow_mailbox_depth_max', { kind: 'gate' }), 0);
      assert.equal(sample(drained, 'packetflow_mailbox_messages', { kind: 'gate' }), 0);
    } finally {
      await close();
    }
  });
});

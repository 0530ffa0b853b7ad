import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RedisServer } from '@packetflow/testing';
import {
  ActorSystem,
  Cluster,
  type ClusterOptions,
  type Down,
  defineBehavior,
  type MemberInfo,
  PeerDownError,
  RedisMembership,
  StaticMembership,
  UnknownKindError,
} from '../../src/index.js';
import { BlackHoleProxy } from '../fixtures/black-hole-proxy.js';
import { type Bump, type Bumped, bump, bumpRegistry, counter, freePort } from '../fixtures/bump.js';
import { delay, recordingLogger, waitFor } from '../helpers.js';
import { HostProcess } from './host-process.js';

const SECRET = 'dead-peer-test-secret';
/** The target for noticing a dead peer, and the margin this shared, noisy machine gets on top of it. */
const TARGET_MS = 2000;
const MARGIN_MS = 1000;

type WatchIt = { type: 'WatchIt'; kind: string; id: string };

/** An explicit actor that watches what it is told to and records when each Down arrives. */
function observer(downs: { down: Down; at: number }[]) {
  return defineBehavior<Record<string, never>, WatchIt | Down>({
    initial: () => ({}),
    handlers: {
      WatchIt: (msg, ctx) => ctx.watch(ctx.system.ref(msg.kind, msg.id)),
      Down: (msg) => {
        downs.push({ down: msg, at: performance.now() });
      },
    },
  });
}

/** What a node saw after its peer went silent at `since`, in ms: the pending ask failing, the Down, routing. */
async function detection(
  system: ActorSystem,
  cluster: Cluster,
  peer: string,
  downs: { at: number }[],
  pendingAsk: Promise<unknown>,
  since: number,
) {
  const failure = await pendingAsk.then(
    () => assert.fail('the ask was answered by a peer that cannot answer'),
    (error: unknown) => ({ error, at: performance.now() }),
  );
  assert.ok(failure.error instanceof PeerDownError, `expected PeerDownError, got ${String(failure.error)}`);
  await waitFor(() => downs.length > 0, 'the watcher to get Down', 10_000);
  assert.ok(!cluster.liveMembers().some((m) => m.id === peer), 'routing still chooses the dead peer');
  const figures = { askFailedMs: Math.round(failure.at - since), downMs: Math.round(downs[0]!.at - since) };
  assert.equal(system.running, true);
  return figures;
}

describe('a peer behind a half-open connection is found dead by heartbeats', () => {
  let proxy: BlackHoleProxy;
  const nodes: { system: ActorSystem; cluster: Cluster; logger: ReturnType<typeof recordingLogger> }[] = [];

  before(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    proxy = await BlackHoleProxy.start(portB);
    const a: MemberInfo = { id: 'a', roles: [], address: `127.0.0.1:${portA}`, startedAt: 0 };
    const b: MemberInfo = { id: 'b', roles: ['counter'], address: `127.0.0.1:${portB}`, startedAt: 0 };
    // a reaches b through the proxy only; b reaches a directly. Cutting the proxy leaves a's link to b half-open.
    const views = { a: [a, { ...b, address: `127.0.0.1:${proxy.port}` }], b: [a, b] };
    for (const self of [a, b]) {
      const logger = recordingLogger();
      const system = await ActorSystem.start({ nodeId: self.id, logger });
      if (self.id === 'b') system.register('counter', counter('b'));
      nodes.push({ system, logger, cluster: undefined as unknown as Cluster });
      nodes.at(-1)!.cluster = await Cluster.join(system, {
        secret: SECRET,
        membership: new StaticMembership(views[self.id as 'a' | 'b']),
        port: Number(self.address.split(':')[1]),
        roles: self.roles,
        registry: bumpRegistry(),
        logger,
        reconnect: { baseMs: 100, maxMs: 500 },
      });
    }
    await waitFor(() => nodes.every((n) => n.cluster.liveMembers().length === 2), 'both links to open');
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.cluster.close()));
    await proxy.close();
  });

  test('a black-holed link is closed within 2 s on both ends, and comes back when the network heals', async () => {
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const downs: { down: Down; at: number }[] = [];
    a.system.register('observer', observer(downs));
    const watcher = await a.system.create<WatchIt>('observer');
    const reply = await a.system.send<Bumped>(a.system.ref('counter', 'x'), bump('x'));
    assert.equal(reply.body.playerId, 'b');
    a.system.tell(watcher, { type: 'WatchIt', kind: 'counter', id: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 100));

    proxy.blackHole();
    const since = performance.now();
    const pending = a.system.send(a.system.ref('counter', 'x'), bump('x'), { timeoutMs: 30_000 });
    const seen = await detection(a.system, a.cluster, 'b', downs, pending, since);
    await waitFor(
      () => b.logger.warnings.some((w) => w.includes('dropped connection from a: nothing received')),
      'b to drop its silent inbound link from a',
      10_000,
    );
    const inboundDroppedMs = Math.round(performance.now() - since);
    console.log(`half-open link: ask failed after ${seen.askFailedMs} ms, Down after ${seen.downMs} ms; the far end`);
    console.log(`dropped its silent inbound link by ${inboundDroppedMs} ms (target ${TARGET_MS} ms)`);
    assert.ok(seen.askFailedMs < TARGET_MS + MARGIN_MS, `the ask failed only after ${seen.askFailedMs} ms`);
    assert.ok(seen.downMs < TARGET_MS + MARGIN_MS, `Down came only after ${seen.downMs} ms`);
    assert.equal(downs[0]!.down.reason, 'node_down');

    proxy.heal();
    const healed = performance.now();
    await waitFor(() => a.cluster.liveMembers().length === 2, 'a to link to b again', 15_000);
    const again = await a.system.send<Bumped>(a.system.ref('counter', 'x'), bump('x'));
    assert.equal(again.body.playerId, 'b');
    console.log(`after the network healed, b was routed to again within ${Math.round(performance.now() - healed)} ms`);
  });
});

describe('a frozen peer process (SIGSTOP) is found dead by heartbeats while its Redis record is fresh', () => {
  let redis: RedisServer;
  let host: HostProcess;
  let system: ActorSystem;
  let cluster: Cluster;
  let membership: RedisMembership;
  const clusterName = `dead-peer-${process.pid}`;

  before(async () => {
    redis = await RedisServer.start();
    // A TTL far longer than the detection: the frozen host stays registered, so only its link can give it away.
    host = await HostProcess.start({
      NODE_ID: 'frozen',
      SECRET,
      REDIS_URL: redis.url,
      CLUSTER: clusterName,
      TTL_MS: '30000',
    });
    system = await ActorSystem.start({ nodeId: 'watcher', logger: recordingLogger() });
    membership = new RedisMembership({
      url: redis.url,
      cluster: clusterName,
      ttlMs: 30_000,
      logger: recordingLogger(),
    });
    cluster = await Cluster.join(system, {
      secret: SECRET,
      membership,
      roles: [],
      registry: bumpRegistry(),
      logger: recordingLogger(),
      reconnect: { baseMs: 100, maxMs: 500 },
    });
    await waitFor(() => cluster.liveMembers().length === 2, 'the link to the host');
  });

  after(async () => {
    host.child.kill('SIGCONT');
    await cluster?.close();
    // close() leaves membership alone, as a crash would; its Redis connections must still go.
    await membership?.leave();
    await host?.stop('SIGKILL');
    await redis?.stop();
  });

  test('asks fail with PeerDownError, watchers get Down and routing leaves it out within 2 s; it is back after SIGCONT', async () => {
    const downs: { down: Down; at: number }[] = [];
    system.register('observer', observer(downs));
    const watcher = await system.create<WatchIt>('observer');
    const reply = await system.send<Bumped>(system.ref('counter', 'y'), bump('y'));
    assert.equal(reply.body.playerId, 'frozen');
    system.tell(watcher, { type: 'WatchIt', kind: 'counter', id: 'y' });
    await new Promise((resolve) => setTimeout(resolve, 100));

    host.child.kill('SIGSTOP');
    const since = performance.now();
    const pending = system.send(system.ref('counter', 'y'), bump('y'), { timeoutMs: 30_000 });
    const seen = await detection(system, cluster, 'frozen', downs, pending, since);
    console.log(
      `SIGSTOP: ask failed after ${seen.askFailedMs} ms, Down after ${seen.downMs} ms (target ${TARGET_MS} ms)`,
    );
    assert.ok(seen.askFailedMs < TARGET_MS + MARGIN_MS, `the ask failed only after ${seen.askFailedMs} ms`);
    assert.ok(seen.downMs < TARGET_MS + MARGIN_MS, `Down came only after ${seen.downMs} ms`);
    assert.ok(
      membership.members().some((m) => m.id === 'frozen'),
      'the frozen host is still registered, yet not routed to',
    );
    const refused = await system.send(system.ref('counter', 'y'), bump('y')).then(
      () => assert.fail('an ask was routed to the frozen host and answered'),
      (error: unknown) => error,
    );
    // No live member hosts counter now: the ask fails here at once instead of waiting on the frozen host.
    assert.ok(refused instanceof UnknownKindError, String(refused));

    host.child.kill('SIGCONT');
    const resumed = performance.now();
    await waitFor(() => cluster.liveMembers().length === 2, 'the link to the resumed host', 20_000);
    const again = await system.send<Bumped>(system.ref('counter', 'y'), bump('y'));
    assert.equal(again.body.playerId, 'frozen');
    console.log(`after SIGCONT, the host was routed to again within ${Math.round(performance.now() - resumed)} ms`);
  });
});

// A leaving node sends no heartbeats of its own, but its answers to its peers' heartbeats keep its links alive.
describe('a node that leaves gracefully is not taken for dead while it drains', () => {
  test('an ask its handler answers after longer than the detection time still gets its reply', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const members: MemberInfo[] = [
      { id: 'a', roles: [], address: `127.0.0.1:${portA}`, startedAt: 0 },
      { id: 'b', roles: ['slow'], address: `127.0.0.1:${portB}`, startedAt: 0 },
    ];
    const [a, b] = await Promise.all(
      members.map(async (self) => {
        const system = await ActorSystem.start({ nodeId: self.id, logger: recordingLogger() });
        system.register(
          'slow',
          defineBehavior<Record<string, never>, Bump>({
            initial: () => ({}),
            handlers: {
              Bump: async (msg): Promise<Bumped> => {
                await delay(3000);
                return { type: 'Bumped', body: msg.body };
              },
            },
          }),
        );
        const options: ClusterOptions = {
          secret: SECRET,
          membership: new StaticMembership(members),
          port: Number(self.address.split(':')[1]),
          roles: self.roles,
          registry: bumpRegistry(),
          logger: recordingLogger(),
        };
        return { system, cluster: await Cluster.join(system, options) };
      }),
    );
    try {
      await waitFor(() => a!.cluster.liveMembers().length === 2, 'a to link to b');
      const asked = a!.system.send<Bumped>(a!.system.ref('slow', 's'), bump('s'), { timeoutMs: 10_000 });
      await waitFor(() => b!.system.activeActors === 1, 'the ask to reach b');
      const left = b!.cluster.leave({ drainTimeoutMs: 10_000 });
      const reply = await asked;
      assert.equal(reply.body.playerId, 's');
      await left;
    } finally {
      await Promise.all([a!.cluster.close(), b!.cluster.close()]);
    }
  });
});

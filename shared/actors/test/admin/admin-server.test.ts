import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { RedisServer } from '@packetflow/testing';
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import {
  type CounterMessage,
  counterBehavior,
  counterRegistry,
  getCount,
  increment,
} from '../../examples/counter/counter.js';
import { type Env, type Logger, RedisStore, type RunningNode, startNode, storeReadiness } from '../../src/index.js';
import { freePort } from '../fixtures/bump.js';
import { delay, waitFor } from '../helpers.js';

const SECRET = 'admin-server-test-secret';
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

function startCounterNode(env: Env, readiness?: Parameters<typeof startNode>[0]['readiness']): Promise<RunningNode> {
  return startNode({
    register: (system) => system.register('counter', counterBehavior(system.nodeId)),
    registry: counterRegistry(),
    env,
    logger: quiet,
    handleSignals: false,
    ...(readiness === undefined ? {} : { readiness }),
  });
}

async function get(
  base: string,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: string; response: Response }> {
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, body: await response.text(), response };
}

/** /readyz as soon as the admin endpoint answers at all (it may not listen yet when this starts). */
async function readyzOnceListening(base: string): Promise<{ status: number; body: string }> {
  let answer: { status: number; body: string } | undefined;
  const attempt = () => {
    get(base, '/readyz').then(
      (result) => {
        answer = result;
      },
      () => setTimeout(attempt, 20),
    );
  };
  attempt();
  await waitFor(() => answer !== undefined, 'the admin endpoint to listen', 10_000);
  return answer!;
}

/** Asks /readyz until it answers `status` (ioredis notices a lost or regained server in its own time). */
async function readyzUntil(base: string, status: number): Promise<{ ready: boolean; reason?: string }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await get(base, '/readyz');
    if (answer.status === status) return JSON.parse(answer.body) as { ready: boolean; reason?: string };
    if (Date.now() > deadline) throw new Error(`timed out waiting for /readyz to answer ${status}: ${answer.body}`);
    await delay(20);
  }
}

function sample(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  assert.ok(family, `no metric ${name}`);
  const metric = family.metrics.find((m) => Object.entries(labels).every(([key, value]) => m.labels?.[key] === value));
  assert.ok(metric?.value !== undefined, `no sample of ${name} with ${JSON.stringify(labels)}`);
  return Number(metric.value);
}

describe('admin endpoint', () => {
  test('no PACKETFLOW_ADMIN_PORT, no admin endpoint', async () => {
    const node = await startCounterNode({});
    try {
      assert.equal(node.admin, undefined);
    } finally {
      await node.stop();
    }
  });

  test('/healthz, /metrics as Prometheus text whose counters move, 404 and 405', async () => {
    const node = await startCounterNode({ PACKETFLOW_NODE_ID: 'metered', PACKETFLOW_ADMIN_PORT: '0' });
    const base = `http://${node.admin!.address}`;
    try {
      assert.equal(node.admin!.host, '127.0.0.1');
      const health = await get(base, '/healthz');
      assert.equal(health.status, 200);
      assert.deepEqual(JSON.parse(health.body), { status: 'ok' });
      assert.deepEqual(JSON.parse((await get(base, '/readyz')).body), { ready: true });

      const before = parsePrometheusTextFormat((await get(base, '/metrics')).body);
      const handledBefore = sample(before, 'packetflow_messages_handled_total', { node: 'metered' });
      for (let i = 0; i < 10; i++) node.system.tell(node.system.ref<CounterMessage>('counter', 'c'), increment);
      await node.system.send(node.system.ref<CounterMessage>('counter', 'c'), getCount);
      node.system.tell(node.system.ref<CounterMessage>('nobody', 'x'), increment);

      const metrics = await get(base, '/metrics');
      assert.equal(metrics.status, 200);
      assert.match(metrics.response.headers.get('content-type') ?? '', /^text\/plain/);
      const after = parsePrometheusTextFormat(metrics.body);
      assert.ok(sample(after, 'packetflow_messages_handled_total') >= handledBefore + 11);
      assert.equal(sample(after, 'packetflow_actors_active', { kind: 'counter' }), 1);
      assert.equal(sample(after, 'packetflow_dead_letters_total'), 1);
      assert.equal(sample(after, 'packetflow_cluster_members_live'), 1);
      for (const name of [
        'packetflow_ask_timeouts_total',
        'packetflow_actor_restarts_total',
        'packetflow_actor_stops_total',
        'packetflow_cluster_link_up_total',
        'packetflow_cluster_link_down_total',
      ]) {
        assert.equal(after.find((f) => f.name === name)?.type, 'COUNTER', name);
      }
      assert.ok(
        after.some((f) => f.name === 'nodejs_eventloop_lag_seconds'),
        "Node's default metrics",
      );

      const missing = await get(base, '/nope');
      assert.equal(missing.status, 404);
      const posted = await get(base, '/healthz', { method: 'POST' });
      assert.equal(posted.status, 405);
      assert.equal(posted.response.headers.get('allow'), 'GET, HEAD');
    } finally {
      await node.stop();
    }
    await assert.rejects(fetch(`${base}/healthz`), 'the admin endpoint closes with the node');
  });

  test('/readyz is 503 until the join completes (Redis not up yet), then 200', async () => {
    const redis = await RedisServer.start();
    after(() => redis.stop());
    await redis.kill();
    const adminPort = await freePort();
    const base = `http://127.0.0.1:${adminPort}`;
    const starting = startCounterNode({
      REDIS_URL: redis.url,
      PACKETFLOW_SECRET: SECRET,
      PACKETFLOW_CLUSTER: 'admintest',
      PACKETFLOW_ADMIN_PORT: String(adminPort),
    });
    const before = await readyzOnceListening(base);
    assert.equal(before.status, 503);
    assert.deepEqual(JSON.parse(before.body), { ready: false, reason: 'joining the cluster' });
    assert.equal((await get(base, '/healthz')).status, 200, 'live while not ready');

    await redis.restart();
    const node = await starting;
    try {
      const ready = await get(base, '/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(JSON.parse(ready.body), { ready: true });
    } finally {
      await node.stop();
    }
  });

  test("/readyz follows the service's store: 503 while its Redis is down, 200 once it is back", async () => {
    const redis = await RedisServer.start();
    after(() => redis.stop());
    const store = new RedisStore({ url: redis.url, prefix: 'admintest:' });
    after(() => store.close());
    const node = await startCounterNode({ PACKETFLOW_ADMIN_PORT: '0' }, storeReadiness(store));
    const base = `http://${node.admin!.address}`;
    try {
      await store.put('k', new Uint8Array([1]));
      assert.equal((await get(base, '/readyz')).status, 200);

      await redis.kill();
      const down = await readyzUntil(base, 503);
      assert.equal(down.ready, false);
      assert.match(down.reason ?? '', /^store unreachable: its Redis connection is /);

      await redis.restart();
      await readyzUntil(base, 200);
    } finally {
      await node.stop();
    }
  });
});

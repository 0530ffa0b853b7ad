// Each service's main (dist/src/main.js) as a real process with an admin endpoint on a free port: ready once it
// has joined, its own metrics on /metrics move as a player plays a match and the player store is written to, and
// the services that keep data in Redis are not ready while it is down.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { ActorSystem, Cluster, RedisMembership } from '@packetflow/actors';
import { physicsLimits, physicsRegistry } from '@packetflow/physics';
import { PlayerClient, PlayerRefusedError, playerRegistry } from '@packetflow/player-store';
import { RedisServer } from '@packetflow/testing';
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import { snapshotRoom } from './support/snapshot-room.js';

const SECRET = 'services-admin-test-secret-0123456789';
const CLUSTER = `services-admin-${process.pid}`;
const services = join(import.meta.dirname, '..', '..', '..');
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

let redis: RedisServer;
const children: ChildProcess[] = [];
/** Admin endpoint (host:port) per service, as its `node started` line gives it. */
const admin = new Map<string, string>();
let system: ActorSystem;
let cluster: Cluster;

async function startService(service: 'physics' | 'game-logic' | 'player-store'): Promise<void> {
  const child = spawn(process.execPath, [join(services, service, 'dist', 'src', 'main.js')], {
    env: {
      ...process.env,
      PACKETFLOW_NODE_ID: service,
      PACKETFLOW_SECRET: SECRET,
      PACKETFLOW_CLUSTER: CLUSTER,
      PACKETFLOW_ADMIN_PORT: '0',
      REDIS_URL: redis.url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (!line.includes('node started')) return;
      admin.set(service, (JSON.parse(line) as { admin: string }).admin);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`${service} exited with ${code}: ${output.join('\n')}`)));
  });
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function get(service: string, path: string): Promise<Response> {
  return fetch(`http://${admin.get(service)}${path}`);
}

/** One scrape of a service's /metrics: a family's sample (its only series, or the one with `labels`). */
async function scrape(service: string) {
  const families = parsePrometheusTextFormat(await (await get(service, '/metrics')).text());
  const family = (name: string): MetricFamily => {
    const found = families.find((f) => f.name === name);
    assert.ok(found, `${service} exports ${name}`);
    return found;
  };
  const value = (name: string, labels: Record<string, string> = {}) => {
    const matching = family(name).metrics.filter((m) =>
      Object.entries(labels).every(([label, wanted]) => m.labels?.[label] === wanted),
    );
    assert.equal(matching.length, 1, `one ${name} series with ${JSON.stringify(labels)}`);
    assert.equal(matching[0]!.labels?.node, service, 'labelled with the node');
    return Number(matching[0]!.value);
  };
  // The parser keeps only the buckets of a histogram whose series have labels (every series has node): +Inf counts.
  const count = (name: string) => {
    const [histogram, ...more] = family(name).metrics;
    assert.equal(more.length, 0, `one ${name} histogram`);
    return Number(histogram?.buckets?.['+Inf']);
  };
  return { value, count };
}

before(async () => {
  redis = await RedisServer.start();
  await Promise.all([startService('physics'), startService('game-logic'), startService('player-store')]);
  system = await ActorSystem.start({ nodeId: 'test', logger: quiet });
  cluster = await Cluster.join(system, {
    secret: SECRET,
    membership: new RedisMembership({ url: redis.url, cluster: CLUSTER, logger: quiet }),
    roles: [],
    registry: playerRegistry(physicsRegistry()),
    limits: physicsLimits,
    logger: quiet,
  });
  await until(() => cluster.liveMembers().length === 4, 'the test to link to every service');
});

after(async () => {
  await cluster?.leave();
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await redis?.stop();
});

test('every service is ready and serves its own metrics, which move as they work', async () => {
  for (const service of ['physics', 'game-logic', 'player-store']) {
    await until(async () => (await get(service, '/readyz')).status === 200, `${service} ready`);
  }

  const { room, snapshots } = await snapshotRoom(system, 'admin-match');

  await system.send(room, { type: 'join' });
  await until(() => snapshots.length >= 5, 'five snapshots');

  const physics = await scrape('physics');
  assert.equal(physics.value('packetflow_physics_worlds_active'), 1);
  assert.ok(physics.count('packetflow_physics_step_duration_seconds') >= 5, 'a step per snapshot');

  const logic = await scrape('game-logic');
  assert.equal(logic.value('packetflow_matches_active'), 1);
  assert.ok(logic.count('packetflow_match_tick_lateness_seconds') >= 5, 'the tick timer ran');
  assert.ok(logic.count('packetflow_match_checkpoint_duration_seconds') >= 1, 'the join wrote a checkpoint');
  assert.ok(logic.count('packetflow_match_checkpoint_size_bytes') >= 1);
  for (const cause of ['clock', 'backlog']) {
    assert.ok(
      logic.value('packetflow_match_ticks_skipped_total', { cause }) >= 0,
      `skipped ticks by ${cause} exported`,
    );
  }

  const players = new PlayerClient(system);
  await players.load('p1', 'Ada');
  await players.addStats('p1', { score: 3 });
  await assert.rejects(players.rename('p1', ''), PlayerRefusedError);
  const store = await scrape('player-store');
  assert.equal(store.value('packetflow_player_writes_total'), 2, 'the creation and the stats');
  assert.equal(store.count('packetflow_player_write_duration_seconds'), 2);
  assert.equal(store.value('packetflow_player_refusals_total', { reason: 'invalid_name' }), 1);
  assert.equal(store.value('packetflow_player_write_failures_total'), 0);

  // Redis holds the checkpoints and the players: while it is down, the two services that keep data there are not ready.
  await redis.kill();
  for (const [service, reason] of [
    ['game-logic', /store unreachable/],
    ['player-store', /player storage unreachable/],
  ] as const) {
    let body = '';
    await until(async () => {
      const response = await get(service, '/readyz');
      body = await response.text();
      return response.status === 503;
    }, `${service} not ready`);
    assert.match(body, reason);
  }
  await redis.restart();
  await until(async () => (await get('player-store', '/readyz')).status === 200, 'player-store ready again');
});

// A match resumes from its checkpoint on another host after its host is killed: real processes (a physics host,
// two game-logic hosts) on a real redis-server that holds both the membership and the checkpoints.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { ActorSystem, Cluster, NotOwnerError, RedisMembership } from '@packetflow/actors';
import { physicsLimits, physicsRegistry } from '@packetflow/physics';
import { Game, type JoinAcceptedMessage, type Message } from '@packetflow/protocol';
import { RedisServer } from '@packetflow/testing';
import { snapshotRoom } from './support/snapshot-room.js';

const SECRET = 'failover-test-secret-0123456789';
const CLUSTER = `failover-${process.pid}`;
const services = join(import.meta.dirname, '..', '..', '..');
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

let redis: RedisServer;
const children = new Map<string, ChildProcess>();
let system: ActorSystem;
let cluster: Cluster;

async function startService(service: 'physics' | 'game-logic', nodeId: string): Promise<void> {
  const child = spawn(process.execPath, [join(services, service, 'dist', 'src', 'main.js')], {
    env: {
      ...process.env,
      PACKETFLOW_NODE_ID: nodeId,
      PACKETFLOW_SECRET: SECRET,
      PACKETFLOW_CLUSTER: CLUSTER,
      REDIS_URL: redis.url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(nodeId, child);
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (line.includes('node started')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${nodeId} exited with ${code}: ${output.join('\n')}`)));
  });
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

before(async () => {
  redis = await RedisServer.start();
  await Promise.all([
    startService('physics', 'physics-1'),
    startService('game-logic', 'logic-1'),
    startService('game-logic', 'logic-2'),
  ]);
  system = await ActorSystem.start({ nodeId: 'room-host', logger: quiet });
  cluster = await Cluster.join(system, {
    secret: SECRET,
    membership: new RedisMembership({ url: redis.url, cluster: CLUSTER, logger: quiet }),
    roles: [],
    registry: physicsRegistry(),
    limits: physicsLimits,
    logger: quiet,
  });
  await until(() => cluster.liveMembers().length === 4, 'the test to link to every host');
});

after(async () => {
  await cluster?.leave();
  for (const child of children.values()) if (child.exitCode === null) child.kill('SIGKILL');
  await redis?.stop();
});

test('a match resumes from its checkpoint on another host after its host is SIGKILLed', async () => {
  const matchId = Array.from({ length: 100 }, (_, i) => `m-${i}`).find(
    (id) => cluster.ownerOf('match', id) === 'logic-1',
  )!;
  const { room, snapshots } = await snapshotRoom(system, matchId);
  const match = system.ref<Message>('match', matchId);

  const join = async () => ((await system.send(room, { type: 'join' })) as JoinAcceptedMessage).body;
  let sequence = 0;
  const move = () =>
    system.tell(match, {
      type: 'PlayerInput',
      body: new Game.PlayerInputT('p1', new Game.ClientInputT(++sequence, 0, new Game.Vec2T(1, 0), null, 0)),
    } as Message);
  const x = (snapshot: Game.SnapshotT, entity: number) =>
    snapshot.entities.find((e) => e.entity === entity)!.position!.x;

  const joined = await join();
  await until(() => snapshots.length > 0, 'the first snapshot');
  const spawnX = x(snapshots[0]!, joined.entity);
  // Walk right for over two seconds: at 30 Hz the match writes a checkpoint every 30 ticks.
  while (snapshots.length < 75) {
    move();
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  const beforeKill = snapshots.at(-1)!;
  const lastFull = snapshots.findLast((s) => s.full)!;
  const killedAt = snapshots.length;
  children.get('logic-1')!.kill('SIGKILL');
  await until(() => !cluster.liveMembers().some((m) => m.id === 'logic-1'), 'the test to see logic-1 gone');
  assert.equal(cluster.ownerOf('match', matchId), 'logic-2');

  // A member whose view still has logic-1 passes the join on to it and answers NotOwnerError once it finds it gone:
  // worth asking again, as a gateway room does.
  const deadline = Date.now() + 5000;
  let resumed: Game.JoinAcceptedT | undefined;
  while (resumed === undefined) {
    resumed = await join().catch((error: unknown) => {
      if (!(error instanceof Error && error.cause instanceof NotOwnerError) || Date.now() > deadline) throw error;
      return new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 50));
    });
  }
  assert.equal(resumed.entity, joined.entity, 'the player kept its body');
  assert.ok(resumed.serverTick >= 30, `resumed from checkpoint tick ${resumed.serverTick}, not from scratch`);
  assert.ok(resumed.serverTick <= beforeKill.serverTick, 'and not from the future');
  const seen = snapshots.length;
  for (let i = 0; i < 20; i++) {
    move();
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  await until(() => snapshots.length > seen + 5, 'snapshots from the new host');
  // The first snapshot of the resumed match says it resumed, from which tick, and is full: every entity, the props
  // at rest too (their transforms come from the restored world, not from what moved since).
  const first = snapshots.slice(killedAt).find((s) => s.resumed)!;
  assert.ok(first, 'a snapshot says the match resumed');
  assert.equal(first.resumedFromTick, resumed.serverTick);
  assert.ok(first.full);
  const ids = (s: Game.SnapshotT) => s.entities.map((e) => e.entity).sort((a, b) => a - b);
  assert.deepEqual(ids(first), ids(lastFull), 'the same entities as the last full snapshot before the kill');
  assert.equal(snapshots.filter((s) => s.resumed).length, 1, 'only the first one says so');
  const after = snapshots.at(-1)!;
  assert.ok(after.serverTick > resumed.serverTick, 'the match ticks on from its checkpoint');
  // A snapshot carries only what moved, and the player stops once its inputs do: its last position is in the last
  // snapshot that has it.
  const lastSeen = snapshots.findLast((s) => s.entities.some((e) => e.entity === joined.entity && e.position))!;
  assert.ok(x(lastSeen, joined.entity) > spawnX + 2, 'the body is where the checkpoint left it, and moving right');
  const ack = after.acks.find((a) => a.entity === joined.entity)!;
  assert.ok(ack.sequence > beforeKill.acks[0]!.sequence, 'inputs sent after the failover are applied and acknowledged');
});

// Incremental checkpoints: most of a match's checkpoints hold the inputs of every physics step since its last world
// checkpoint, not the world. A host resuming the match restores that world and replays the steps: the world it ends
// with must be the very one the match had, bit for bit. Real Rapier worlds, a real LMDB store, real actor systems.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ActorSystem, type DurableStore } from '@packetflow/actors';
import {
  BUTTON_JUMP,
  initPhysics,
  PHYSICS_KIND,
  PhysicsWorld,
  physicsEngine,
  physicsRegistry,
  physicsWorldBehavior,
} from '@packetflow/physics';
import { Game, type MatchCheckpointBody, type Message } from '@packetflow/protocol';
import { checkpointKey, handOverKey, MATCH_KIND, matchHost, worldCheckpointKey } from '../src/index.js';
import { snapshotRoom } from './support/snapshot-room.js';
import { temporaryStore } from './support/temporary-store.js';

const TICK_RATE = 60;
const registry = physicsRegistry();
const lmdb = temporaryStore('checkpoint.');

before(() => initPhysics());

/** A host of matches and their physics worlds on the shared store, with a room that joins players and keeps snapshots. */
async function host(nodeId: string, matchId: string, on: DurableStore = lmdb.store, worldCheckpointEveryTicks = 600) {
  const system = await ActorSystem.start({ nodeId });
  system.register(PHYSICS_KIND, physicsWorldBehavior());
  const warnings: string[] = [];
  const logger = { info: () => {}, warn: (message: string) => warnings.push(message), error: () => {} };
  // A checkpoint every quarter second, a world only at a join or a leave (or every 10 s unless set).
  matchHost(system, {
    store: on,
    registry,
    tickRate: TICK_RATE,
    checkpointEveryTicks: 15,
    worldCheckpointEveryTicks,
    logger,
  });
  const match = system.ref<Message>(MATCH_KIND, matchId);
  const { snapshots, joinAs: join } = await snapshotRoom(system, matchId);
  return { system, match, snapshots, join, warnings };
}

async function record(key: string): Promise<MatchCheckpointBody | undefined> {
  const bytes = await lmdb.store.get(key);
  if (bytes === undefined) return undefined;
  const decoded = registry.decode('MatchCheckpoint', bytes);
  assert.ok(decoded.ok, `the record under ${key} decodes`);
  return decoded.value.body as MatchCheckpointBody;
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const byEntity = (transforms: readonly Game.EntityTransformT[]) => [...transforms].sort((a, b) => a.entity - b.entity);

/** Plays a two-player match on host-a for ~1.5 s of changing inputs (jumps too), then stops host-a. */
async function playThenStop(matchId: string) {
  const a = await host('host-a', matchId);
  await a.join('ada');
  await a.join('bob');
  let sequence = 0;
  const input = (playerId: string, x: number, z: number, buttons: number) =>
    a.system.tell(a.match, {
      type: 'PlayerInput',
      body: new Game.PlayerInputT(playerId, new Game.ClientInputT(++sequence, 0, new Game.Vec2T(x, z), null, buttons)),
    } as Message);
  for (let i = 0; i < 45; i++) {
    // Moves float32 cannot hold as JavaScript gave them: the replay must step what the match stepped.
    input('ada', Math.cos(i / 5), Math.sin(i / 7), i % 20 === 0 ? BUTTON_JUMP : 0);
    input('bob', -0.3 - i / 100, 0.7, 0);
    await new Promise((resolve) => setTimeout(resolve, 33));
  }
  await until(async () => ((await record(checkpointKey(matchId)))?.steps?.length ?? 0) > 0, 'a checkpoint with steps');
  await a.system.shutdown();
  const latest = (await record(checkpointKey(matchId)))!;
  const world = (await record(worldCheckpointKey(matchId)))!;
  return { a, latest, world };
}

/** The world a checkpoint without one stands for: its world checkpoint's, restored, with the steps replayed. */
function replayed(latest: MatchCheckpointBody, world: MatchCheckpointBody): PhysicsWorld {
  const restored = PhysicsWorld.restore(physicsEngine(), world.physics);
  const perStep = latest.players.length;
  for (let tick = world.tick + 1, i = 0; tick <= latest.tick; tick++, i += perStep) {
    restored.step(tick, latest.steps!.slice(i, perStep));
  }
  return restored;
}

test('a checkpoint without a world replays to the very world the match had at its tick', async () => {
  const matchId = 'replayed';
  const { a, latest, world } = await playThenStop(matchId);
  assert.equal(world.players.length, 2, 'the world checkpoint was written at the second join');
  assert.ok(world.physics.length > 10_000, `the world checkpoint holds the world (${world.physics.length} bytes)`);
  assert.equal(latest.physics.length, 0, 'the latest checkpoint holds no world');
  assert.equal(latest.worldTick ?? 0, world.tick, 'it goes on from the stored world');
  assert.ok(latest.tick - world.tick >= 30, `it is ${latest.tick - world.tick} steps past the world`);
  assert.equal(latest.steps!.length, (latest.tick - world.tick) * 2, 'one input per player per step');

  // What the match told its room, up to the checkpoint's tick: every entity's last reported transform.
  const seen = new Map<number, Game.EntityTransformT>();
  for (const snapshot of a.snapshots) {
    if (snapshot.serverTick > latest.tick) break;
    if (snapshot.full) seen.clear();
    for (const t of snapshot.entities) seen.set(t.entity, t);
  }
  assert.equal(a.snapshots.find((s) => s.serverTick === latest.tick)?.serverTick, latest.tick, 'its tick was seen');
  const world2 = replayed(latest, world);
  try {
    assert.deepEqual(byEntity(world2.transforms()), byEntity([...seen.values()]), 'every body, bit for bit');
    const moved = byEntity(world2.transforms()).filter((t, i) => {
      const start = byEntity(PhysicsWorld.restore(physicsEngine(), world.physics).transforms())[i]!;
      return t.position!.x !== start.position!.x || t.position!.z !== start.position!.z;
    });
    assert.ok(moved.length >= 2, 'the players walked away from where the world checkpoint had them');
  } finally {
    world2.free();
  }
});

test('a host resuming from a checkpoint without a world goes on from its tick, its world replayed', async () => {
  const matchId = 'resumed';
  const { latest, world } = await playThenStop(matchId);
  // As if host-a had died: no hand-over record.
  await lmdb.store.delete(handOverKey(matchId));
  const b = await host('host-b', matchId);
  try {
    const joined = await b.join('ada');
    assert.equal(joined.serverTick, latest.tick, 'resumed at the checkpoint, not at its world');
    await until(() => b.snapshots.some((s) => s.resumed), 'the resumed snapshot');
    const first = b.snapshots.find((s) => s.resumed)!;
    assert.equal(first.resumedFromTick, latest.tick);
    assert.equal(first.serverTick, latest.tick + 1);
    // Its first step had no inputs yet (none reached host-b): the replayed world stepped once with both standing.
    const expected = replayed(latest, world);
    try {
      const still = latest.players.map((p) => new Game.BodyInputT(p.entity, new Game.Vec2T(0, 0), 0));
      expected.step(latest.tick + 1, still);
      assert.deepEqual(byEntity(first.entities), byEntity(expected.transforms()), 'every body, bit for bit');
    } finally {
      expected.free();
    }
  } finally {
    await b.system.shutdown();
  }
});

test('a checkpoint whose world is not the stored one is passed over for the world checkpoint, with a warning', async () => {
  const matchId = 'mismatched';
  const { latest, world } = await playThenStop(matchId);
  await lmdb.store.delete(handOverKey(matchId));
  // A host that died between writing a new world and the checkpoint that goes on from it leaves this pair.
  const orphan = { ...latest, worldTick: world.tick + 1 };
  await lmdb.store.put(checkpointKey(matchId), registry.encode({ type: 'MatchCheckpoint', body: orphan }));
  const b = await host('host-b', matchId);
  try {
    const joined = await b.join('ada');
    assert.equal(joined.serverTick, world.tick, 'resumed at the world checkpoint');
    assert.ok(
      b.warnings.includes('checkpoint without the world it goes on from; resuming from the last world checkpoint'),
      `warned (${b.warnings.join('; ')})`,
    );
    await until(() => b.snapshots.some((s) => s.resumed), 'the resumed snapshot');
    const first = b.snapshots.find((s) => s.resumed)!;
    assert.equal(first.resumedFromTick, world.tick);
    assert.equal(first.acks.length, 2, 'both players are back in the match');
  } finally {
    await b.system.shutdown();
  }
});

/**
 * The shared store, with every other write of a world checkpoint failing (as a store that times out would), and
 * a record of what each checkpoint went on from against the world checkpoint stored as it was written.
 */
class FlakyWorldStore implements DurableStore {
  readonly backend = 'lmdb';
  worldWrites = 0;
  failedWorldWrites = 0;
  /** Each checkpoint written: the world tick it goes on from, and the tick of the world checkpoint stored then. */
  readonly written: { goesOnFrom: number; stored: number | undefined }[] = [];

  constructor(
    private readonly inner: DurableStore,
    private readonly matchId: string,
  ) {}

  get(key: string) {
    return this.inner.get(key);
  }

  put(key: string, value: Uint8Array) {
    return this.inner.put(key, value);
  }

  async putGuarded(key: string, value: Uint8Array, guardKey: string, expected: Uint8Array): Promise<boolean> {
    if (key === worldCheckpointKey(this.matchId) && this.worldWrites++ % 2 === 1) {
      this.failedWorldWrites++;
      throw new Error('store write timed out');
    }
    if (key === checkpointKey(this.matchId)) {
      const body = registry.decode('MatchCheckpoint', value);
      assert.ok(body.ok);
      const stored = await record(worldCheckpointKey(this.matchId));
      this.written.push({ goesOnFrom: (body.value.body as MatchCheckpointBody).worldTick ?? 0, stored: stored?.tick });
    }
    return this.inner.putGuarded(key, value, guardKey, expected);
  }

  delete(key: string) {
    return this.inner.delete(key);
  }

  async close(): Promise<void> {}
}

test('a world checkpoint that fails to be written is never gone on from: the next checkpoint holds the world again', async () => {
  const matchId = 'flaky';
  const flaky = new FlakyWorldStore(lmdb.store, matchId);
  // A world every half second, so that several are written, and every other one fails.
  const a = await host('host-a', matchId, flaky, 30);
  try {
    await a.join('ada');
    let sequence = 0;
    for (let i = 0; i < 60; i++) {
      a.system.tell(a.match, {
        type: 'PlayerInput',
        body: new Game.PlayerInputT(
          'ada',
          new Game.ClientInputT(++sequence, 0, new Game.Vec2T(Math.sin(i), 1), null, 0),
        ),
      } as Message);
      await new Promise((resolve) => setTimeout(resolve, 33));
    }
    await until(() => flaky.failedWorldWrites >= 2 && flaky.written.length >= 6, 'failed world writes and checkpoints');
  } finally {
    await a.system.shutdown();
  }
  for (const { goesOnFrom, stored } of flaky.written) {
    assert.equal(goesOnFrom, stored, 'each checkpoint goes on from the world checkpoint stored when it was written');
  }
  const latest = (await record(checkpointKey(matchId)))!;
  const world = (await record(worldCheckpointKey(matchId)))!;
  const resumed = replayed(latest, world);
  try {
    assert.equal(resumed.lastTick, latest.tick, 'the latest checkpoint replays to its tick');
  } finally {
    resumed.free();
  }
});

test('a checkpoint of the earlier format, holding its world under the checkpoint key, still resumes', async () => {
  const matchId = 'earlier-format';
  const { world } = await playThenStop(matchId);
  await lmdb.store.delete(handOverKey(matchId));
  // What a host before incremental checkpoints wrote: the whole match, world included, under one key, and no other.
  await lmdb.store.put(checkpointKey(matchId), registry.encode({ type: 'MatchCheckpoint', body: world }));
  await lmdb.store.delete(worldCheckpointKey(matchId));
  const b = await host('host-b', matchId);
  try {
    const joined = await b.join('ada');
    assert.equal(joined.serverTick, world.tick, 'resumed at the tick of the checkpoint');
    await until(() => b.snapshots.some((s) => s.resumed), 'the resumed snapshot');
    const first = b.snapshots.find((s) => s.resumed)!;
    assert.equal(first.acks.length, 2, 'both players are back in the match');
    assert.deepEqual(b.warnings, [], 'nothing to warn of');
  } finally {
    await b.system.shutdown();
  }
});

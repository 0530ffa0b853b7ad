import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ActorSystem, PacketEndpoint, RefusedError } from '@packetflow/actors';
import { BatchCodec, type MessageRegistry, type Packet } from '@packetflow/protocol';
import {
  FIRST_PLAYER_ENTITY,
  initPhysics,
  type JoinAcceptedMessage,
  physicsMessages as m,
  PHYSICS_KIND,
  type PhysicsMessage,
  type PhysicsSnapshotMessage,
  type PhysicsStepResultMessage,
  physicsLimits,
  physicsRegistry,
  physicsWorldBehavior,
  snapshotBytes,
} from '../src/index.js';

const MATCH = 'match-1';

/** Two systems joined by endpoints whose packets go through real frames: encoded, verified, decoded. */
async function pair(registry: () => MessageRegistry = physicsRegistry) {
  const codec = new BatchCodec(physicsLimits);
  const wire = (to: () => PacketEndpoint) => (packet: Packet) => {
    const decoded = codec.decodeFrame(codec.encodeFrame([packet]));
    assert.ok(decoded.ok, decoded.ok ? '' : String(decoded.error));
    queueMicrotask(() => to().receive(decoded.value[0] as Packet));
  };
  const host = await ActorSystem.start({ nodeId: 'host' });
  host.register(PHYSICS_KIND, physicsWorldBehavior());
  const caller = await ActorSystem.start({ nodeId: 'caller' });
  // As a cluster of physics hosts has them: bodies up to physicsLimits, for the world snapshots.
  const { maxBodyBytes } = physicsLimits;
  const hostEnd: PacketEndpoint = new PacketEndpoint(host, {
    registry: registry(),
    send: wire(() => callerEnd),
    maxBodyBytes,
  });
  const callerEnd: PacketEndpoint = new PacketEndpoint(caller, {
    registry: registry(),
    send: wire(() => hostEnd),
    maxBodyBytes,
  });
  return { host, caller, callerEnd };
}

describe('the physics actor kind', () => {
  let system: ActorSystem;
  before(async () => {
    await initPhysics();
    system = await ActorSystem.start({ nodeId: 'local' });
    system.register(PHYSICS_KIND, physicsWorldBehavior({ world: { props: 4 } }));
  });
  after(() => system.shutdown());

  test('asks to physics/<matchId>: join, step, leave (local sends)', async () => {
    const ref = system.ref<PhysicsMessage>(PHYSICS_KIND, MATCH);
    const joined = await system.send<JoinAcceptedMessage, PhysicsMessage>(ref, m.join(MATCH, 'alice'));
    assert.equal(joined.type, 'JoinAccepted');
    assert.equal(joined.body.entity, FIRST_PLAYER_ENTITY);
    assert.equal(joined.body.tickRate, 30);
    let result: PhysicsStepResultMessage | undefined;
    for (let tick = 1; tick <= 20; tick++) {
      result = await system.send<PhysicsStepResultMessage, PhysicsMessage>(
        ref,
        m.step(MATCH, tick, [m.input(FIRST_PLAYER_ENTITY, 1, 0)]),
      );
    }
    assert.equal(result?.type, 'PhysicsStepResult');
    assert.equal(result?.body.tick, 20);
    assert.equal(result?.body.matchId, MATCH);
    assert.ok(result?.body.moved.some((t) => t.entity === FIRST_PLAYER_ENTITY));
    assert.equal(await system.send(ref, m.leave(MATCH, 'alice')), undefined);
    await assert.rejects(system.send(ref, m.leave(MATCH, 'alice')), (error: unknown) => {
      assert.ok(error instanceof RefusedError);
      assert.match(error.message, /player alice is not in this physics world/);
      return true;
    });
  });

  test('a refused step changes nothing and is no failure: the actor is not restarted', async () => {
    const ref = system.ref<PhysicsMessage>(PHYSICS_KIND, 'match-refusals');
    const { body } = await system.send<JoinAcceptedMessage, PhysicsMessage>(ref, m.join('match-refusals', 'bob'));
    await system.send(ref, m.step('match-refusals', 5, [m.input(body.entity, 0, 1)]));
    const restarts = system.stats.restarts;
    await assert.rejects(system.send(ref, m.step('match-refusals', 4, [])), /tick 4 does not come after/);
    await assert.rejects(system.send(ref, m.step('match-refusals', 6, [m.input(9999, 0, 1)])), RefusedError);
    await assert.rejects(system.send(ref, m.step('other-match', 6, [])), RefusedError);
    assert.equal(system.stats.restarts, restarts, 'refusals restart nothing');
    const again = await system.send<JoinAcceptedMessage, PhysicsMessage>(ref, m.join('match-refusals', 'bob'));
    assert.equal(again.body.entity, body.entity, 'the same world: bob is still in it');
    assert.equal(again.body.serverTick, 5, 'the last tick is still 5');
  });

  test('snapshot from one match restores into another actor and continues identically', async () => {
    const a = system.ref<PhysicsMessage>(PHYSICS_KIND, 'snap-a');
    await system.send(a, m.join('snap-a', 'p'));
    for (let tick = 1; tick <= 10; tick++) await system.send(a, m.step('snap-a', tick, [m.input(1000, 0.5, 0.5)]));
    const snap = await system.send<PhysicsSnapshotMessage, PhysicsMessage>(a, m.takeSnapshot);
    assert.equal(snap.type, 'PhysicsSnapshot');
    assert.equal(snap.body.tick, 10);
    const b = system.ref<PhysicsMessage>(PHYSICS_KIND, 'snap-b');
    const restored = await system.send<PhysicsStepResultMessage, PhysicsMessage>(
      b,
      m.restore('snap-b', snapshotBytes(snap), 10),
    );
    const standing = await system.send<PhysicsStepResultMessage, PhysicsMessage>(a, m.resume('snap-a', 10));
    const entities = restored.body.moved.map((t) => t.entity);
    assert.ok(entities.includes(FIRST_PLAYER_ENTITY) && entities.includes(1), 'every body: the player and the props');
    assert.deepEqual(restored.body.moved, standing.body.moved, 'the restored world stands where the original does');
    assert.equal(restored.body.tick, 10);
    const next = (ref: typeof a, id: string) =>
      system.send<PhysicsStepResultMessage, PhysicsMessage>(ref, m.step(id, 11, [m.input(1000, -1, 0)]));
    const [ra, rb] = [await next(a, 'snap-a'), await next(b, 'snap-b')];
    assert.deepEqual(rb.body.moved, ra.body.moved);
    await assert.rejects(
      system.send(a, m.resume('snap-a', 10)),
      (error: unknown) => error instanceof RefusedError && /stands at tick 11, not 10/.test(error.message),
      'a world stepped past the tick a match would resume from is not resumed',
    );
    await system.send(a, m.close);
    const fresh = await system.send<JoinAcceptedMessage, PhysicsMessage>(a, m.join('snap-a', 'q'));
    assert.equal(fresh.body.entity, FIRST_PLAYER_ENTITY, 'after PhysicsClose the match starts a fresh world');
  });
});

describe('the physics messages through a real encode/decode path', () => {
  test('join, step and snapshot/restore over PacketEndpoints give what local sends give', async () => {
    await initPhysics();
    const { host, caller, callerEnd } = await pair();
    const target = { kind: PHYSICS_KIND, id: 'wire' };
    const joined = await callerEnd.ask<JoinAcceptedMessage>(target, m.join('wire', 'carol'));
    assert.equal(joined.body.entity, FIRST_PLAYER_ENTITY);
    assert.equal(joined.body.playerId, 'carol');
    let result: PhysicsStepResultMessage | undefined;
    for (let tick = 1; tick <= 15; tick++) {
      result = await callerEnd.ask<PhysicsStepResultMessage>(target, m.step('wire', tick, [m.input(1000, 1, 0)]));
    }
    assert.equal(result?.type, 'PhysicsStepResult');
    assert.equal(result?.body.tick, 15);
    assert.equal(result?.body.moved.length, 33, '32 props still falling and the player');
    const player = result?.body.moved.find((t) => t.entity === FIRST_PLAYER_ENTITY);
    assert.ok(player?.position && player.rotation, 'transform decoded with position and rotation');

    const snap = await callerEnd.ask<PhysicsSnapshotMessage>(target, m.takeSnapshot);
    assert.equal(snap.type, 'PhysicsSnapshot');
    assert.ok(snap.body.physics.length > 16 * 1024, 'bigger than the default vector limit: physicsLimits matter');
    const copy = { kind: PHYSICS_KIND, id: 'wire-copy' };
    const restored = await callerEnd.ask<PhysicsStepResultMessage>(copy, m.restore('wire-copy', snapshotBytes(snap)));
    const resumed = await callerEnd.ask<PhysicsStepResultMessage>(target, m.resume('wire', 15));
    assert.equal(resumed.type, 'PhysicsStepResult');
    assert.equal(resumed.body.moved.length, 33);
    assert.deepEqual(restored.body.moved, resumed.body.moved);
    const a = await callerEnd.ask<PhysicsStepResultMessage>(target, m.step('wire', 16, []));
    const b = await callerEnd.ask<PhysicsStepResultMessage>(copy, m.step('wire-copy', 16, []));
    assert.deepEqual(b.body.moved, a.body.moved);

    await assert.rejects(
      callerEnd.ask(target, m.step('wire', 16, [])),
      (error: unknown) => error instanceof RefusedError && /tick 16 does not come after/.test(String(error.message)),
    );
    await assert.rejects(callerEnd.ask(target, m.step('wire', 17, [m.input(5, 0, 0)])), RefusedError);
    await caller.shutdown();
    await host.shutdown();
  });
});

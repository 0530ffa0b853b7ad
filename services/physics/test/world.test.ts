import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import type { Game } from '@packetflow/protocol';
import {
  FIRST_PLAYER_ENTITY,
  FIRST_PROP_ENTITY,
  initPhysics,
  type PhysicsEngine,
  PhysicsWorld,
  physicsMessages,
  RAPIER_VARIANTS,
} from '../src/index.js';

const input = physicsMessages.input;

/** Bitwise identity of transform lists: float32 values compared through their bits. */
function bits(transforms: Game.EntityTransformT[]): string {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  const hex = (v: number) => {
    f[0] = v;
    return (u[0] as number).toString(16);
  };
  return transforms
    .map((t) => {
      const p = t.position as Game.Vec3T;
      const r = t.rotation as Game.QuatT;
      return [t.entity, hex(p.x), hex(p.y), hex(p.z), hex(r.x), hex(r.y), hex(r.z), hex(r.w)].join(',');
    })
    .join(';');
}

/** Deterministic pseudo-random inputs for 8 players. */
function inputsFor(tick: number, players: number[]): Game.BodyInputT[] {
  return players.map((entity, i) =>
    input(
      entity,
      Math.sin(tick / 17 + i),
      Math.cos(tick / 23 + 2 * i),
      tick % (40 + i) === 0 ? 1 : i % 3 === 0 ? 8 : 0,
    ),
  );
}

function worldWithPlayers(engine: PhysicsEngine, count: number): { world: PhysicsWorld; players: number[] } {
  const world = PhysicsWorld.create(engine);
  const players = Array.from({ length: count }, (_, i) => world.addPlayer(`player-${i}`));
  return { world, players };
}

for (const variant of RAPIER_VARIANTS)
  describe(`PhysicsWorld on Rapier ${variant}`, () => {
    let engine: PhysicsEngine;
    before(async () => {
      engine = await initPhysics(variant);
    });

    test('entities: props 1..N, players from 1000 in join order; joining twice returns the same entity', () => {
      const world = PhysicsWorld.create(engine, { props: 5 });
      assert.deepEqual(world.entities(), [1, 2, 3, 4, 5]);
      assert.equal(world.addPlayer('a'), FIRST_PLAYER_ENTITY);
      assert.equal(world.addPlayer('b'), FIRST_PLAYER_ENTITY + 1);
      assert.equal(world.addPlayer('a'), FIRST_PLAYER_ENTITY);
      assert.equal(world.removePlayer('a'), FIRST_PLAYER_ENTITY);
      assert.equal(world.addPlayer('a'), FIRST_PLAYER_ENTITY + 2, 'entities are not reused');
      assert.deepEqual(world.entities(), [1, 2, 3, 4, 5, 1001, 1002]);
      world.free();
    });

    test('a player moving right moves its body right and reports its transform', () => {
      const world = PhysicsWorld.create(engine, { props: 0 });
      const entity = world.addPlayer('p');
      for (let tick = 1; tick <= 30; tick++) world.step(tick, []); // settle on the floor
      const start = world.transforms().find((t) => t.entity === entity) as Game.EntityTransformT;
      let reported: Game.EntityTransformT | undefined;
      for (let tick = 31; tick <= 60; tick++) {
        const moved = world.step(tick, [input(entity, 1, 0)]);
        reported = moved.find((t) => t.entity === entity);
        assert.ok(reported, `tick ${tick}: the moving player is reported`);
      }
      const end = reported as Game.EntityTransformT;
      const dx = (end.position?.x ?? 0) - (start.position?.x ?? 0);
      assert.ok(dx > 4 && dx < 5.5, `about 1 s at 5 m/s to the right, got ${dx}`);
      assert.ok(Math.abs((end.position?.z ?? 0) - (start.position?.z ?? 0)) < 0.01, 'no sideways drift');
      world.free();
    });

    test('props fall under gravity and come to rest on the floor; resting bodies are not reported', () => {
      const world = PhysicsWorld.create(engine);
      const before = world.transforms();
      const first = world.step(1, []);
      assert.equal(first.length, 32, 'every prop moves on the first step');
      let tick = 1;
      while (tick < 600 && !world.entities().every((e) => world.isSleeping(e))) world.step(++tick, []);
      assert.ok(tick < 600, 'every prop is asleep within 20 s');
      const after = world.transforms();
      for (const t of after) {
        const y = t.position?.y ?? 0;
        assert.ok(y > 0.35 && y < 3, `entity ${t.entity} rests on the floor or on another box, y = ${y}`);
      }
      const lowest = Math.min(...after.map((t) => t.position?.y ?? 0));
      assert.ok(Math.abs(lowest - 0.4) < 0.02, `bottom boxes sit on the floor (y ≈ half size), got ${lowest}`);
      assert.ok(
        after.some((t, i) => (t.position?.y ?? 0) < (before[i]?.position?.y ?? 0) - 0.01),
        'something fell',
      );
      assert.deepEqual(world.step(++tick, []), [], 'nothing moves once everything rests');
      assert.equal(after[0]?.entity, FIRST_PROP_ENTITY);
      world.free();
    });

    test('two worlds fed the same inputs for 300 ticks give bitwise identical transforms', () => {
      const a = worldWithPlayers(engine, 8);
      const b = worldWithPlayers(engine, 8);
      for (let tick = 1; tick <= 300; tick++) {
        const movedA = a.world.step(tick, inputsFor(tick, a.players));
        const movedB = b.world.step(tick, inputsFor(tick, b.players));
        assert.equal(bits(movedA), bits(movedB), `tick ${tick}`);
      }
      assert.equal(bits(a.world.transforms()), bits(b.world.transforms()));
      a.world.free();
      b.world.free();
    });

    test('a restored world continues exactly like the original', () => {
      const { world, players } = worldWithPlayers(engine, 8);
      for (let tick = 1; tick <= 100; tick++) world.step(tick, inputsFor(tick, players));
      const bytes = world.snapshot();
      const restored = PhysicsWorld.restore(engine, bytes);
      assert.equal(restored.lastTick, 100);
      assert.equal(restored.entityOf('player-3'), players[3]);
      assert.equal(bits(restored.transforms()), bits(world.transforms()));
      for (let tick = 101; tick <= 250; tick++) {
        const original = world.step(tick, inputsFor(tick, players));
        const copy = restored.step(tick, inputsFor(tick, players));
        assert.equal(bits(copy), bits(original), `tick ${tick}`);
      }
      assert.equal(restored.addPlayer('late'), world.addPlayer('late'));
      world.free();
      restored.free();
    });

    test('refused input changes nothing: unknown entity, non-finite move, tick going backwards, duplicates', () => {
      const { world, players } = worldWithPlayers(engine, 2);
      const [p0, p1] = players as [number, number];
      for (let tick = 1; tick <= 10; tick++) world.step(tick, inputsFor(tick, players));
      const before = world.snapshot();
      const state = bits(world.transforms());
      assert.throws(() => world.step(11, [input(p0, 1, 0), input(4242, 1, 0)]), /entity 4242 is not a player/);
      assert.throws(() => world.step(11, [input(7, 1, 0)]), /entity 7 is not a player entity/);
      assert.throws(() => world.step(11, [input(p0, 1, 0), input(p1, Number.NaN, 0)]), /move must be finite/);
      assert.throws(() => world.step(11, [input(p1, 0, Number.POSITIVE_INFINITY)]), /move must be finite/);
      assert.throws(() => world.step(11, [input(p0, 1, 0), input(p0, 0, 1)]), /two inputs for entity/);
      assert.throws(() => world.step(10, [input(p0, 1, 0)]), /tick 10 does not come after the last step's tick 10/);
      assert.throws(() => world.step(3, []), /tick 3 does not come after/);
      assert.throws(() => world.step(1.5, []), /tick must be an integer/);
      assert.throws(() => world.removePlayer('nobody'), /player nobody is not in this physics world/);
      assert.throws(() => world.addPlayer(''), /non-empty/);
      assert.equal(world.lastTick, 10);
      assert.equal(bits(world.transforms()), state, 'no body moved');
      const twin = PhysicsWorld.restore(engine, before);
      for (let tick = 11; tick <= 40; tick++) {
        assert.equal(bits(world.step(tick, inputsFor(tick, players))), bits(twin.step(tick, inputsFor(tick, players))));
      }
      world.free();
      twin.free();
    });

    test('move is clamped to [-1, 1]: a huge move goes no faster than a full one', () => {
      const run = (x: number) => {
        const world = PhysicsWorld.create(engine, { props: 0 });
        const entity = world.addPlayer('p');
        let moved: Game.EntityTransformT[] = [];
        for (let tick = 1; tick <= 30; tick++) moved = world.step(tick, [input(entity, tick > 10 ? x : 0, 0)]);
        world.free();
        return bits(moved);
      };
      assert.equal(run(1e9), run(1));
    });

    test('a grounded player jumps on the Jump button', () => {
      const world = PhysicsWorld.create(engine, { props: 0 });
      const entity = world.addPlayer('p');
      for (let tick = 1; tick <= 30; tick++) world.step(tick, []);
      const y0 = world.transforms()[0]?.position?.y ?? 0;
      world.step(31, [input(entity, 0, 0, 1)]);
      for (let tick = 32; tick <= 38; tick++) world.step(tick, []);
      const y1 = world.transforms()[0]?.position?.y ?? 0;
      assert.ok(y1 > y0 + 1, `jumped from ${y0} to ${y1}`);
      world.free();
    });

    test('snapshots refuse what they cannot use', () => {
      const world = PhysicsWorld.create(engine, { props: 2 });
      const bytes = world.snapshot();
      assert.throws(() => PhysicsWorld.restore(engine, new Uint8Array(4)), /too short/);
      const bad = Uint8Array.from(bytes);
      bad[0] = 0;
      assert.throws(() => PhysicsWorld.restore(engine, bad), /bad magic/);
      const corrupt = Uint8Array.from(bytes);
      corrupt.fill(7, 12);
      assert.throws(() => PhysicsWorld.restore(engine, corrupt), /corrupt/);
      const future = Uint8Array.from(bytes);
      future[4] = 3;
      assert.throws(() => PhysicsWorld.restore(engine, future), /unsupported physics snapshot format version 3/);
      world.free();
    });

    test('a snapshot of format 1 (its payload deflated) still restores, to the same world', () => {
      const world = PhysicsWorld.create(engine);
      const players = [world.addPlayer('a'), world.addPlayer('b')];
      for (let tick = 1; tick <= 40; tick++) world.step(tick, inputsFor(tick, players));
      const bytes = world.snapshot();
      assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true), 2, 'written as format 2');
      const deflated = deflateRawSync(bytes.subarray(12));
      const v1 = new Uint8Array(12 + deflated.length);
      v1.set(bytes.subarray(0, 12));
      new DataView(v1.buffer).setUint32(4, 1, true);
      v1.set(deflated, 12);
      const fromV1 = PhysicsWorld.restore(engine, v1);
      const fromV2 = PhysicsWorld.restore(engine, bytes);
      assert.equal(bits(fromV1.transforms()), bits(world.transforms()));
      for (let tick = 41; tick <= 60; tick++) {
        assert.equal(
          bits(fromV1.step(tick, inputsFor(tick, players))),
          bits(fromV2.step(tick, inputsFor(tick, players))),
        );
      }
      const broken = Uint8Array.from(v1);
      broken.fill(7, 12);
      assert.throws(() => PhysicsWorld.restore(engine, broken), /corrupt/);
      for (const w of [world, fromV1, fromV2]) w.free();
    });
  });

test('a snapshot restores only on the Rapier variant that took it', async () => {
  const simd = await initPhysics('simd');
  const compat = await initPhysics('compat');
  const world = PhysicsWorld.create(simd, { props: 1 });
  assert.throws(
    () => PhysicsWorld.restore(compat, world.snapshot()),
    /taken by Rapier simd@0\.20\.0; this host runs compat@0\.21\.0/,
  );
  world.free();
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ARENA_HALF_SIZE,
  applyInput,
  PLAYER_SPEED,
  parseInput,
  TICK_SECONDS,
  TOUCH_DISTANCE,
} from '../src/baseline/simulation.js';
import { Player, Prop } from '../src/baseline/state.js';

const input = { seq: 1, tick: 1, mx: 1, my: 0, buttons: 0 };

test('inputs are validated: finite numbers, a newer sequence, the move clamped to [-1, 1]', () => {
  assert.deepEqual(parseInput(input, 0), input);
  assert.deepEqual(parseInput({ ...input, mx: 3, my: -2 }, 0), { ...input, mx: 1, my: -1 });
  assert.equal(parseInput({ ...input, seq: 1 }, 1), undefined);
  assert.equal(parseInput({ ...input, seq: 1.5 }, 0), undefined);
  assert.equal(parseInput({ ...input, seq: -1 }, -5), undefined);
  assert.equal(parseInput({ ...input, mx: Number.NaN }, 0), undefined);
  assert.equal(parseInput({ ...input, my: Number.POSITIVE_INFINITY }, 0), undefined);
  assert.equal(parseInput({ ...input, mx: '1' }, 0), undefined);
  assert.equal(parseInput({ ...input, buttons: -1 }, 0), undefined);
  assert.equal(parseInput({ seq: 2 }, 0), undefined);
  assert.equal(parseInput(null, 0), undefined);
  assert.equal(parseInput([1, 2, 3], 0), undefined);
});

test('an input moves the player at 5 m/s for one tick, clamped to the arena, and becomes its ack', () => {
  const player = new Player({ x: 0, y: 0, z: 0, yaw: 0, lastSequence: 0, score: 0 });
  applyInput(player, { ...input, seq: 7 }, [], 0);
  assert.ok(Math.abs(player.x - PLAYER_SPEED * TICK_SECONDS) < 1e-6);
  assert.equal(player.z, 0);
  assert.equal(player.lastSequence, 7);
  player.x = ARENA_HALF_SIZE - 0.01;
  applyInput(player, { ...input, seq: 8 }, [], 0);
  assert.equal(player.x, ARENA_HALF_SIZE);
});

test('a touched prop is pushed out to touching distance, and only a new touch scores', () => {
  const player = new Player({ x: 0, y: 0, z: 0, yaw: 0, lastSequence: 0, score: 0 });
  const near = new Prop({ x: 0.5, y: 0.25, z: 0 });
  const far = new Prop({ x: -5, y: 0.25, z: 0 });
  let touching = applyInput(player, input, [far, near], 0);
  assert.equal(touching, 0b10);
  assert.equal(player.score, 1);
  assert.ok(Math.abs(Math.hypot(near.x - player.x, near.z - player.z) - TOUCH_DISTANCE) < 1e-5);
  assert.equal(far.x, -5);
  // Walking on into the same prop keeps touching it: no second point.
  touching = applyInput(player, { ...input, seq: 2 }, [far, near], touching);
  assert.equal(touching, 0b10);
  assert.equal(player.score, 1);
  // Walking away ends the touch; touching it again scores again.
  touching = applyInput(player, { ...input, seq: 3, mx: -1 }, [far, near], touching);
  assert.equal(touching, 0);
  near.x = player.x + 0.5;
  touching = applyInput(player, { ...input, seq: 4, mx: 0 }, [far, near], touching);
  assert.equal(touching, 0b10);
  assert.equal(player.score, 2);
});

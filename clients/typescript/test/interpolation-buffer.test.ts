import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InterpolationBuffer, slerp } from '../src/interpolation-buffer.js';
import type { EntityState, Quat } from '../src/match-types.js';

const identity: Quat = { x: 0, y: 0, z: 0, w: 1 };

function yaw(radians: number): Quat {
  return { x: 0, y: Math.sin(radians / 2), z: 0, w: Math.cos(radians / 2) };
}

function at(entity: number, x: number, rotation: Quat = identity): EntityState {
  return { entity, position: { x, y: 0, z: -x }, rotation };
}

function close(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);
}

/** 10 Hz (100 ms a tick), so the default delay is 200 ms; tick n arrives at 900 + 100 n, entity 7 at x = 10 n. */
function steadyBuffer(ticks: number[]): InterpolationBuffer {
  const buffer = new InterpolationBuffer({ tickRate: 10 });
  for (const tick of ticks) buffer.push(tick, 900 + 100 * tick, [at(7, 10 * tick)]);
  return buffer;
}

describe('InterpolationBuffer', () => {
  it('renders two ticks behind by default, lerping positions between the snapshots around that time', () => {
    const buffer = steadyBuffer([1, 2, 3]);
    assert.equal(buffer.delayMs, 200);
    const frame = buffer.sample(1350);
    assert.ok(frame);
    close(frame.tick, 2.5, 'tick');
    assert.equal(frame.extrapolatedMs, 0);
    const pose = frame.entities.get(7);
    close(pose?.position.x, 25, 'x');
    close(pose?.position.z, -25, 'z');
  });

  it('slerps rotations between snapshots', () => {
    const buffer = new InterpolationBuffer({ tickRate: 10, delayMs: 0 });
    buffer.push(1, 100, [at(1, 0, identity)]);
    buffer.push(2, 200, [at(1, 0, yaw(Math.PI / 2))]);
    const rotation = buffer.sample(150)?.entities.get(1)?.rotation;
    const expected = yaw(Math.PI / 4);
    close(rotation?.y, expected.y, 'y');
    close(rotation?.w, expected.w, 'w');
  });

  it('shows the oldest snapshot for a render time before it', () => {
    const frame = steadyBuffer([1, 2]).sample(500);
    assert.equal(frame?.tick, 1);
    close(frame?.entities.get(7)?.position.x, 10, 'x');
  });

  it('extrapolates past the newest snapshot at the last velocity, for at most one tick unless configured', () => {
    const buffer = steadyBuffer([1, 2, 3]);
    const near = buffer.sample(1450);
    close(near?.extrapolatedMs, 50, 'extrapolated');
    close(near?.entities.get(7)?.position.x, 35, 'x half a tick on');
    const far = buffer.sample(5000);
    close(far?.extrapolatedMs, 100, 'capped');
    close(far?.tick, 4, 'tick');
    close(far?.entities.get(7)?.position.x, 40, 'x one tick on');

    const frozen = new InterpolationBuffer({ tickRate: 10, maxExtrapolationMs: 0 });
    frozen.push(1, 1000, [at(7, 10)]);
    frozen.push(2, 1100, [at(7, 20)]);
    close(frozen.sample(9000)?.entities.get(7)?.position.x, 20, 'held at the newest');
  });

  it('keeps its timeline when one snapshot arrives late, and follows snapshots that arrive earlier', () => {
    const buffer = steadyBuffer([1, 2, 3]);
    buffer.push(4, 1400 + 80, [at(7, 40)]);
    close(buffer.tickAt(1350), 2.5, 'a late snapshot moves nothing');
    buffer.push(5, 1400 - 30, [at(7, 50)]);
    close(buffer.tickAt(1350), 2.8, 'an early one shifts the clock by what it gained');
  });

  it('shows an entity that appears where it is, and stops showing one that left', () => {
    const buffer = new InterpolationBuffer({ tickRate: 10, delayMs: 0 });
    buffer.push(1, 100, [at(1, 0)]);
    buffer.push(2, 200, [at(1, 10), at(2, 5)]);
    buffer.push(3, 300, [at(2, 7)]);
    const early = buffer.sample(150);
    close(early?.entities.get(1)?.position.x, 5, 'entity 1 lerped');
    close(early?.entities.get(2)?.position.x, 5, 'entity 2 as it appeared');
    const late = buffer.sample(250);
    assert.deepEqual([...(late?.entities.keys() ?? [])], [2]);
    close(late?.entities.get(2)?.position.x, 6, 'entity 2 lerped');
  });

  it('orders snapshots that arrive out of order and drops duplicates', () => {
    const buffer = new InterpolationBuffer({ tickRate: 10, delayMs: 0 });
    buffer.push(1, 100, [at(1, 0)]);
    buffer.push(3, 300, [at(1, 30)]);
    buffer.push(2, 210, [at(1, 20)]);
    buffer.push(2, 220, [at(1, 999)]);
    assert.equal(buffer.size, 3);
    close(buffer.sample(250)?.entities.get(1)?.position.x, 25, 'between ticks 2 and 3');
  });

  it('keeps `capacity` snapshots, drops one older than all of them, and starts over when the clock goes far back', () => {
    const buffer = new InterpolationBuffer({ tickRate: 10, capacity: 4 });
    for (let tick = 1; tick <= 10; tick++) buffer.push(tick, tick * 100, [at(1, tick)]);
    assert.equal(buffer.size, 4);
    buffer.push(6, 1100, [at(1, 0)]);
    assert.equal(buffer.size, 4, 'older than the oldest kept: late');
    assert.equal(buffer.newestTick, 10);
    buffer.push(3, 1200, [at(1, 3)]);
    assert.equal(buffer.size, 1, 'a match resumed from an earlier checkpoint');
    assert.equal(buffer.newestTick, 3);
    buffer.clear();
    assert.equal(buffer.sample(0), undefined);
  });

  it('refuses options it cannot work with', () => {
    assert.throws(() => new InterpolationBuffer({ tickRate: 0 }), RangeError);
    assert.throws(() => new InterpolationBuffer({ tickRate: 30, delayMs: -1 }), RangeError);
    assert.throws(() => new InterpolationBuffer({ tickRate: 30, capacity: 1 }), RangeError);
  });
});

describe('slerp', () => {
  it('takes the short way round when the quaternions lie on opposite hemispheres', () => {
    const q = yaw(Math.PI / 2);
    const negated = { x: -q.x, y: -q.y, z: -q.z, w: -q.w };
    const half = slerp(identity, negated, 0.5);
    const expected = yaw(Math.PI / 4);
    close(half.y, expected.y, 'y');
    close(half.w, expected.w, 'w');
  });

  it('returns unit quaternions, also for nearly equal inputs', () => {
    const q = slerp(identity, yaw(1e-4), 0.3);
    close(Math.hypot(q.x, q.y, q.z, q.w), 1, 'length');
    close(q.y, Math.sin(0.3e-4 / 2), 'y');
  });
});

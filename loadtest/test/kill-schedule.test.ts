// The chaos run's kill schedule: when (every `every`, each kill watched for `every` before the run ends) and which
// service (drawn from the seed, so a seed replays a run's victims).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { killSchedule, SERVICES, seededRandom } from '../src/chaos/kill-schedule.js';

describe('kill schedule', () => {
  it('kills every `every` and leaves a whole `every` after the last kill', () => {
    const times = (everyMs: number, durationMs: number) =>
      killSchedule({ seed: 1, everyMs, durationMs, services: SERVICES }).map((k) => k.atMs);
    assert.deepEqual(times(20_000, 120_000), [20_000, 40_000, 60_000, 80_000, 100_000]);
    assert.deepEqual(times(20_000, 119_999), [20_000, 40_000, 60_000, 80_000]);
    assert.deepEqual(times(10_000, 20_000), [10_000]);
    assert.deepEqual(times(10_000, 19_999), []);
  });

  it('draws the same services from the same seed, and others from another', () => {
    const victims = (seed: number) =>
      killSchedule({ seed, everyMs: 1000, durationMs: 41_000, services: SERVICES }).map((k) => k.service);
    assert.deepEqual(victims(7), victims(7));
    assert.notDeepEqual(victims(7), victims(8));
    assert.deepEqual(new Set(victims(7)), new Set(SERVICES), 'forty draws among four name every service');
  });

  it('draws only among the services it is given', () => {
    const services = ['game-logic', 'physics'] as const;
    const kills = killSchedule({ seed: 3, everyMs: 1000, durationMs: 30_000, services });
    assert.ok(kills.every((k) => services.includes(k.service as (typeof services)[number])));
    assert.throws(() => killSchedule({ seed: 3, everyMs: 1000, durationMs: 30_000, services: [] }), /no service/);
  });

  it('spreads its numbers evenly over [0, 1)', () => {
    const random = seededRandom(42);
    const buckets = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) {
      const x = random();
      assert.ok(x >= 0 && x < 1);
      buckets[Math.floor(x * 4)]!++;
    }
    for (const count of buckets) assert.ok(count > 9_000 && count < 11_000, `bucket of ${count} in 40,000`);
  });
});

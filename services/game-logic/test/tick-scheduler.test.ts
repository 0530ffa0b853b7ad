import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TickScheduler } from '../src/tick/tick-scheduler.js';

/**
 * Waits until `done()` holds. The scheduler's timer is unref'd, so an interval keeps the test alive meanwhile. The
 * deadline is for a broken scheduler only: a loaded machine may run a tick much later than due.
 */
async function until(done: () => boolean, what: string): Promise<void> {
  const keepAlive = setInterval(() => {}, 1000);
  try {
    const deadline = Date.now() + 20_000;
    while (!done()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    clearInterval(keepAlive);
  }
}

describe('TickScheduler', () => {
  test('ticks every member from one timer, in step, with increasing tick numbers', async () => {
    const scheduler = new TickScheduler(100);
    const seen = new Map<string, number[]>();
    const member = (name: string) => ({ tick: (tick: number) => seen.set(name, [...(seen.get(name) ?? []), tick]) });
    const a = member('a');
    const b = member('b');
    scheduler.add(a);
    scheduler.add(b);
    await until(() => (seen.get('a')?.length ?? 0) >= 6 && (seen.get('b')?.length ?? 0) >= 6, 'six ticks each');
    scheduler.remove(a);
    scheduler.remove(b);
    const ticksA = seen.get('a')!;
    const ticksB = seen.get('b')!;
    const common = ticksA.filter((t) => ticksB.includes(t));
    assert.ok(common.length >= 3, 'both members saw the same tick numbers');
    if (scheduler.stats.skipped === 0) {
      // They tick in different phases of the period, so the window may cut one of them a tick short at either end;
      // in between they saw the same ticks (unless a loaded machine made the clock skip one member's phase).
      assert.ok(common.length >= ticksA.length - 2, 'both members saw the same ticks');
      assert.deepEqual(
        ticksA.filter((t) => t >= common[0]! && t <= common.at(-1)!),
        ticksB.filter((t) => t >= common[0]! && t <= common.at(-1)!),
      );
    }
    for (let i = 1; i < ticksA.length; i++) assert.ok(ticksA[i]! > ticksA[i - 1]!);
    assert.equal(scheduler.size, 0);
  });

  test('spreads its members over the phases of the period, one tick each per period', async () => {
    const scheduler = new TickScheduler(50, undefined, 4);
    assert.equal(scheduler.phases, 4);
    const runs = new Map<number, { tick: number; at: number }[]>();
    for (let i = 0; i < 8; i++) {
      scheduler.add({ tick: (tick, at) => runs.set(i, [...(runs.get(i) ?? []), { tick, at }]) });
    }
    // A late phase run is skipped, so on a loaded machine a tick may reach only some members: wait for one that
    // reached all of them.
    const ranEverywhere = () =>
      runs.get(0)?.find((run) => [...runs.values()].every((r) => r.some((other) => other.tick === run.tick)));
    await until(() => runs.size === 8 && ranEverywhere() !== undefined, 'a tick run by every member');
    scheduler.stop();
    // Every member once per tick; members of one tick at four different points of the period, 5 ms apart.
    const tick = ranEverywhere()!.tick;
    const times = [...runs.values()].map((r) => r.find((run) => run.tick === tick)!.at);
    const offsets = [...new Set(times.map((t) => Math.round(t - Math.min(...times))))].sort((a, b) => a - b);
    assert.deepEqual(offsets, [0, 5, 10, 15]);
    for (const list of runs.values()) {
      const ticks = list.map((r) => r.tick);
      assert.deepEqual(ticks, [...new Set(ticks)], 'no tick twice');
    }
    assert.equal(new TickScheduler(1000, undefined, 4).phases, 1, 'no phase shorter than a millisecond');
  });

  test('skips ticks it is too late for instead of running them in a burst', async () => {
    const scheduler = new TickScheduler(200);
    const ticks: number[] = [];
    scheduler.add({
      tick: (tick) => {
        ticks.push(tick);
        if (ticks.length === 2) {
          const until = performance.now() + 30;
          while (performance.now() < until);
        }
      },
    });
    const keepAlive = setInterval(() => {}, 1000);
    await new Promise((resolve) => setTimeout(resolve, 120));
    scheduler.stop();
    clearInterval(keepAlive);
    assert.ok(scheduler.stats.skipped >= 3, `${scheduler.stats.skipped} ticks skipped after a 30 ms stall at 5 ms`);
    const gap = ticks[2]! - ticks[1]!;
    assert.ok(gap > 1, 'the tick number jumped past the ticks that were missed');
  });

  test('a member added after an idle spell is ticked at once, with tick numbers that keep counting', async () => {
    const scheduler = new TickScheduler(100);
    const first: number[] = [];
    const member = { tick: (tick: number) => first.push(tick) };
    scheduler.add(member);
    await until(() => first.length >= 3, 'three ticks');
    scheduler.remove(member);
    const keepAlive = setInterval(() => {}, 1000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    clearInterval(keepAlive);
    const later: number[] = [];
    scheduler.add({ tick: (tick: number) => later.push(tick) });
    await until(() => later.length >= 3, 'three ticks after re-adding');
    scheduler.stop();
    assert.ok(later[0]! > first.at(-1)!, 'tick numbers did not start over');
    // Had the 30 periods of the idle spell been counted as missed, the number would have jumped by 30 or more.
    assert.ok(later[0]! - first.at(-1)! < 30, `the idle spell was not made up: ${first.at(-1)} → ${later[0]}`);
  });

  test('a member whose tick throws does not stop the others', async () => {
    const errors: unknown[] = [];
    const scheduler = new TickScheduler(100, (error) => errors.push(error));
    let ticks = 0;
    scheduler.add({
      tick: () => {
        throw new Error('broken match');
      },
    });
    scheduler.add({ tick: () => ticks++ });
    await until(() => ticks >= 3, 'three ticks of the healthy member');
    scheduler.stop();
    assert.equal(errors.length, scheduler.stats.failures);
    assert.ok(scheduler.stats.failures >= 3);
  });

  test('refuses a nonsensical rate', () => {
    assert.throws(() => new TickScheduler(0), /between 1 and 1000/);
    assert.throws(() => new TickScheduler(Number.NaN), /between 1 and 1000/);
  });
});

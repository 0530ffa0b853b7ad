import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type CapacityPlan,
  capacityOf,
  judgeLoad,
  type LoadFigures,
  nextProbe,
  type ProbeVerdict,
} from '../src/swarm/capacity-search.js';

const plan: CapacityPlan = { step: 100, finest: 25, max: 1000 };

/** The counts the search tries against a server that holds exactly `limit` bots. */
function search(limit: number, p = plan): { tried: number[]; capacity: number } {
  const probes: ProbeVerdict[] = [];
  for (let bots = nextProbe(probes, p); bots !== undefined; bots = nextProbe(probes, p)) {
    probes.push({ bots, passed: bots <= limit });
  }
  return { tried: probes.map((probe) => probe.bots), capacity: capacityOf(probes) };
}

test('coarse steps up to the first failure, then the gap halved to the finest step', () => {
  assert.deepEqual(search(360), { tried: [100, 200, 300, 400, 350, 375], capacity: 350 });
  assert.deepEqual(search(340), { tried: [100, 200, 300, 400, 350, 325], capacity: 325 });
  assert.deepEqual(search(700), { tried: [100, 200, 300, 400, 500, 600, 700, 800, 750, 725], capacity: 700 });
});

test('a server that holds nothing, and one that holds everything', () => {
  assert.deepEqual(search(0), { tried: [100, 50, 25], capacity: 0 });
  assert.deepEqual(search(5000, { step: 250, finest: 25, max: 600 }), { tried: [250, 500, 600], capacity: 600 });
});

test('a pass above a lower failure (noise) does not raise the capacity', () => {
  const probes: ProbeVerdict[] = [
    { bots: 100, passed: true },
    { bots: 200, passed: false },
    { bots: 300, passed: true },
  ];
  assert.equal(capacityOf(probes), 100);
  assert.equal(nextProbe(probes, plan), 150);
});

const holding: LoadFigures = {
  requestedBots: 200,
  bots: 200,
  p99Ms: 40,
  samples: 60_000,
  joinFailures: 0,
  disconnects: 0,
  inputRatio: 0.99,
  inputsBlocked: 0,
};

test('a load step holds only with its p99 in bounds, every bot joined and connected, and inputs on time', () => {
  assert.equal(judgeLoad(holding).passed, true);
  assert.equal(judgeLoad({ ...holding, p99Ms: 100 }).passed, true);
  const failures: [Partial<LoadFigures>, RegExp][] = [
    [{ p99Ms: 100.5 }, /p99 100\.5 ms > 100 ms/],
    [{ p99Ms: Number.NaN }, /p99/],
    [{ joinFailures: 3 }, /3 of 200 joins failed/],
    [{ disconnects: 1, bots: 199 }, /1 bots disconnected/],
    [{ samples: 0 }, /no input was acknowledged/],
    [{ inputsBlocked: 7 }, /7 inputs held back/],
    [{ inputRatio: 0.9 }, /90\.0 % of their inputs/],
  ];
  for (const [change, reason] of failures) {
    const verdict = judgeLoad({ ...holding, ...change });
    assert.equal(verdict.passed, false);
    assert.match(verdict.reason, reason);
  }
  assert.equal(judgeLoad({ ...holding, p99Ms: 150 }, { p99Ms: 200, minInputRatio: 0.95 }).passed, true);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyHistogram } from '../src/swarm/histogram.js';

function within(actual: number, expected: number, relative: number): void {
  assert.ok(Math.abs(actual - expected) <= expected * relative, `${actual} is not within ${relative} of ${expected}`);
}

test('percentiles of given samples come out within 1 %', () => {
  const histogram = new LatencyHistogram();
  for (let ms = 1; ms <= 1000; ms++) histogram.recordMs(ms);
  assert.equal(histogram.count, 1000);
  within(histogram.percentileMs(0.5), 500, 0.01);
  within(histogram.percentileMs(0.99), 990, 0.01);
  assert.equal(histogram.percentileMs(1), 1000);
  assert.equal(histogram.percentileMs(0), 1);
  assert.equal(histogram.maxMs, 1000);
});

test('sub-millisecond and very large values keep their place', () => {
  const histogram = new LatencyHistogram();
  histogram.recordMs(0.05);
  histogram.recordMs(0.2);
  histogram.recordMs(120_000);
  within(histogram.percentileMs(0.34), 0.2, 0.01);
  assert.equal(histogram.percentileMs(1), 120_000);
});

test('a skewed distribution: the p99 is the tail, not the mean', () => {
  const histogram = new LatencyHistogram();
  for (let i = 0; i < 990; i++) histogram.recordMs(20);
  for (let i = 0; i < 10; i++) histogram.recordMs(400);
  within(histogram.percentileMs(0.5), 20, 0.01);
  within(histogram.percentileMs(0.99), 20, 0.01);
  within(histogram.percentileMs(0.995), 400, 0.01);
});

test('histograms merged from their data equal one histogram of all samples', () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  const all = new LatencyHistogram();
  for (let i = 0; i < 500; i++) {
    const x = (i * 7919) % 250;
    (i % 2 === 0 ? a : b).recordMs(x);
    all.recordMs(x);
  }
  const merged = LatencyHistogram.from(JSON.parse(JSON.stringify(a.toData())));
  merged.add(JSON.parse(JSON.stringify(b.toData())));
  assert.equal(merged.count, all.count);
  for (const q of [0.1, 0.5, 0.9, 0.99, 1]) assert.equal(merged.percentileMs(q), all.percentileMs(q));
});

test('an empty histogram, alone or merged, has no percentiles', () => {
  const empty = new LatencyHistogram();
  assert.ok(Number.isNaN(empty.percentileMs(0.5)));
  assert.ok(Number.isNaN(empty.maxMs));
  const merged = LatencyHistogram.from(JSON.parse(JSON.stringify(empty.toData())));
  merged.recordMs(3);
  assert.equal(merged.percentileMs(0.5), 3);
  merged.reset();
  assert.equal(merged.count, 0);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputTracker, MAX_IN_FLIGHT } from '../src/swarm/input-tracker.js';

function acked(tracker: InputTracker, seq: number, now: number): number[] {
  const samples: number[] = [];
  tracker.ack(seq, now, (ms) => samples.push(ms));
  return samples;
}

test('each input gets one latency sample, from its send to the first ack covering it', () => {
  const tracker = new InputTracker();
  assert.equal(tracker.send(0), 1);
  assert.equal(tracker.send(50), 2);
  assert.equal(tracker.send(100), 3);
  assert.deepEqual(acked(tracker, 0, 105), []);
  assert.deepEqual(acked(tracker, 1, 110), [110]);
  // An ack jumping over input 2 (the server dropped or merged it) still covers it.
  assert.deepEqual(acked(tracker, 3, 130), [80, 30]);
  assert.equal(tracker.inFlight, 0);
  // The same ack again, or an older one, records nothing more.
  assert.deepEqual(acked(tracker, 3, 140), []);
  assert.deepEqual(acked(tracker, 2, 150), []);
});

test('an ack beyond what was sent covers only what was sent', () => {
  const tracker = new InputTracker();
  tracker.send(10);
  assert.deepEqual(acked(tracker, 5, 40), [30]);
  assert.equal(tracker.send(60), 2);
  assert.deepEqual(acked(tracker, 5, 70), [10]);
});

test('a bot stops sending once too many inputs wait for an ack, and resumes after one', () => {
  const tracker = new InputTracker();
  for (let i = 0; i < MAX_IN_FLIGHT; i++) assert.equal(tracker.send(i), i + 1);
  assert.equal(tracker.send(MAX_IN_FLIGHT), 0);
  assert.equal(tracker.inFlight, MAX_IN_FLIGHT);
  assert.equal(acked(tracker, 1, 1000).length, 1);
  assert.equal(tracker.send(1001), MAX_IN_FLIGHT + 1);
});

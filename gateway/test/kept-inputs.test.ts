import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Game } from '@packetflow/protocol';
import { KEEP_INPUTS_MS, KeptInputs } from '../src/rooms/kept-inputs.js';

const input = (sequence: number) => new Game.ClientInputT(sequence, 0, new Game.Vec2T(1, 0), null, 0);
const sequences = (kept: KeptInputs) => kept.all().map((i) => i.sequence);

test('inputs older than the window are forgotten as new ones come', () => {
  const kept = new KeptInputs(10);
  kept.keep(input(1), 0);
  kept.keep(input(2), 1000);
  kept.keep(input(3), KEEP_INPUTS_MS + 500);
  assert.deepEqual(sequences(kept), [2, 3]);
});

test('a full ring drops its oldest input for a new one', () => {
  const kept = new KeptInputs(3);
  for (let s = 1; s <= 5; s++) assert.equal(kept.keep(input(s), s), true);
  assert.deepEqual(sequences(kept), [3, 4, 5]);
  assert.equal(kept.size, 3);
});

test('while holding, nothing ages out and a full ring keeps its oldest inputs', () => {
  const kept = new KeptInputs(3);
  kept.keep(input(1), 0);
  kept.holding = true;
  assert.equal(kept.keep(input(2), KEEP_INPUTS_MS * 2), true);
  assert.equal(kept.keep(input(3), KEEP_INPUTS_MS * 3), true);
  assert.equal(kept.keep(input(4), KEEP_INPUTS_MS * 4), false);
  assert.deepEqual(sequences(kept), [1, 2, 3]);
  kept.holding = false;
  kept.keep(input(5), KEEP_INPUTS_MS * 4);
  assert.deepEqual(sequences(kept), [3, 5]);
});

test('clear forgets every input; the capacity covers the guard rate over the window and a burst', () => {
  const kept = new KeptInputs(KeptInputs.capacityFor(60, 30));
  assert.equal(kept.capacity, 60 * (KEEP_INPUTS_MS / 1000) + 30);
  for (let s = 1; s <= 50; s++) kept.keep(input(s), s);
  kept.clear();
  assert.deepEqual(sequences(kept), []);
  kept.keep(input(1), 100);
  assert.deepEqual(sequences(kept), [1]);
});

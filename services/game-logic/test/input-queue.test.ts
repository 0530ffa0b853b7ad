import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Game } from '@packetflow/protocol';
import { INPUT_QUEUE_CAPACITY, InputQueue, type InputStats } from '../src/match/input-queue.js';

const input = (sequence: number) => new Game.ClientInputT(sequence, sequence, new Game.Vec2T(1, 0), null, 0);

describe('InputQueue', () => {
  test('hands inputs out in sequence order whatever order they arrived in', () => {
    const stats: InputStats = { applied: 0, late: 0, duplicate: 0, overflow: 0 };
    const queue = new InputQueue(stats);
    for (const sequence of [3, 1, 2, 5, 4]) queue.push(input(sequence));
    const taken = [];
    for (let next = queue.take(); next; next = queue.take()) taken.push(next.sequence);
    assert.deepEqual(taken, [1, 2, 3, 4, 5]);
    assert.equal(queue.lastApplied, 5);
    assert.equal(stats.applied, 5);
  });

  test('drops and counts late and duplicate inputs', () => {
    const stats: InputStats = { applied: 0, late: 0, duplicate: 0, overflow: 0 };
    const queue = new InputQueue(stats);
    queue.push(input(1));
    queue.push(input(2));
    queue.take();
    queue.push(input(1));
    queue.push(input(2));
    assert.deepEqual(stats, { applied: 1, late: 1, duplicate: 1, overflow: 0 });
    assert.equal(queue.length, 1);
  });

  test('is bounded: a flood past its capacity is refused and counted', () => {
    const stats: InputStats = { applied: 0, late: 0, duplicate: 0, overflow: 0 };
    const queue = new InputQueue(stats, 8);
    for (let i = 1; i <= 20; i++) queue.push(input(i));
    assert.equal(queue.length, 8);
    assert.equal(stats.overflow, 12);
  });

  test("holds a gateway's whole replay after a failover: 5 s of inputs at the guard's 60/s, plus its burst", () => {
    const stats: InputStats = { applied: 0, late: 0, duplicate: 0, overflow: 0 };
    const queue = new InputQueue(stats);
    const replay = 60 * 5 + 30;
    for (let i = 1; i <= replay; i++) queue.push(input(i));
    assert.equal(queue.length, replay);
    assert.equal(stats.overflow, 0);
    assert.ok(INPUT_QUEUE_CAPACITY >= replay);
  });
});

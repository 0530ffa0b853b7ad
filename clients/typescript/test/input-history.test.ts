import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputHistory } from '../src/input-history.js';

const still = { move: { x: 0, y: 0 } };

describe('InputHistory', () => {
  it('numbers inputs 1, 2, 3, … and keeps them pending with their send time', () => {
    const history = new InputHistory();
    assert.equal(history.record(still, 10), 1);
    assert.equal(history.record({ move: { x: 1, y: 0 } }, 20), 2);
    assert.equal(history.record(still, 30), 3);
    assert.deepEqual(
      history.pending.map((p) => [p.sequence, p.sentAtMs]),
      [
        [1, 10],
        [2, 20],
        [3, 30],
      ],
    );
    assert.deepEqual(history.pending[1]?.input.move, { x: 1, y: 0 });
    assert.equal(history.acked, 0);
    assert.equal(history.next, 4);
  });

  it('drops every input an ack covers and measures the acknowledged input round trip', () => {
    const history = new InputHistory();
    for (let t = 0; t < 5; t++) history.record(still, 100 + t * 10);
    const result = history.acknowledge(3, 175);
    assert.deepEqual(result, { acknowledged: 3, inputRttMs: 55 });
    assert.equal(history.acked, 3);
    assert.deepEqual(
      history.pending.map((p) => p.sequence),
      [4, 5],
    );
  });

  it('ignores an ack that is not newer than the last one', () => {
    const history = new InputHistory();
    for (let t = 0; t < 3; t++) history.record(still, t);
    history.acknowledge(2, 10);
    assert.deepEqual(history.acknowledge(2, 20), { acknowledged: 0, inputRttMs: undefined });
    assert.deepEqual(history.acknowledge(1, 20), { acknowledged: 0, inputRttMs: undefined });
    assert.equal(history.acked, 2);
    assert.equal(history.pending.length, 1);
  });

  it('treats the server acking 0 (nothing applied yet) as no ack', () => {
    const history = new InputHistory();
    history.record(still, 0);
    assert.equal(history.acknowledge(0, 5).acknowledged, 0);
    assert.equal(history.pending.length, 1);
  });

  it('reports no round trip when the acknowledged input itself was already forgotten', () => {
    const history = new InputHistory(2);
    for (let t = 0; t < 4; t++) history.record(still, t);
    assert.deepEqual(
      history.pending.map((p) => p.sequence),
      [3, 4],
      'past maxPending the oldest inputs go',
    );
    assert.deepEqual(history.acknowledge(2, 50), { acknowledged: 0, inputRttMs: undefined });
    assert.equal(history.acked, 2);
    assert.equal(history.pending.length, 2);
  });

  it('resends the newest pending inputs oldest first with a fresh send time, and keeps the older ones pending', () => {
    const history = new InputHistory();
    for (let t = 0; t < 6; t++) history.record(still, t);
    history.acknowledge(1, 5);
    const resent = history.resendNewest(3, 1000);
    assert.deepEqual(
      resent.map((p) => [p.sequence, p.sentAtMs]),
      [
        [4, 1000],
        [5, 1000],
        [6, 1000],
      ],
    );
    assert.deepEqual(
      history.pending.map((p) => [p.sequence, p.sentAtMs]),
      [
        [2, 1],
        [3, 2],
        [4, 1000],
        [5, 1000],
        [6, 1000],
      ],
    );
    assert.equal(history.resendNewest(100, 2000).length, 5, 'a limit above the pending count resends them all');
    assert.equal(history.acknowledge(6, 2040).inputRttMs, 40, 'the round trip counts from the resend');
    assert.equal(history.next, 7, 'resending does not renumber');
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new InputHistory(0), RangeError);
    assert.throws(() => new InputHistory(1.5), RangeError);
  });
});

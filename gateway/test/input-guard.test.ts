import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientErrorCode, createProtocolRegistry, MAX_SEQUENCE_GAP } from '@packetflow/protocol';
import { InputGuard, InputStream, type InputVerdict } from '../src/index.js';
import { inputBytes } from './support/raw-bot.js';

const limits = { maxInputBytes: 128, maxInputsPerSecond: 20, inputBurst: 5, maxStrikes: 3 };
const guard = new InputGuard(limits, createProtocolRegistry());

function refused(verdict: InputVerdict): { code: number; cutOff: boolean; report: boolean } {
  assert.equal(verdict.kind, 'refuse', JSON.stringify(verdict));
  const { code, cutOff, report } = verdict as Extract<InputVerdict, { kind: 'refuse' }>;
  return { code, cutOff, report };
}

describe('input guard', () => {
  it('accepts increasing sequence numbers, gaps included, and drops what was already forwarded', () => {
    const stream = new InputStream(limits, 0);
    for (const [i, sequence] of [1, 2, 5].entries()) {
      const verdict = guard.check(stream, inputBytes(sequence, 0.5, -1), 100 * i);
      assert.equal(verdict.kind, 'accept');
      assert.equal((verdict as Extract<InputVerdict, { kind: 'accept' }>).input.sequence, sequence);
    }
    assert.equal(guard.check(stream, inputBytes(4, 0, 0), 400).kind, 'resend');
    assert.equal(guard.check(stream, inputBytes(5, 0, 0), 500).kind, 'resend');
    assert.equal(stream.resends, 2);
    assert.equal(stream.lastSequence, 5);
  });

  it('refuses zero, a jump past the allowed gap, garbage, oversized and out-of-range input', () => {
    const cases: [Uint8Array, number][] = [
      [inputBytes(0, 0, 0), ClientErrorCode.BadSequence],
      [inputBytes(MAX_SEQUENCE_GAP + 1, 0, 0), ClientErrorCode.BadSequence],
      [new Uint8Array([8, 0, 0, 0, 255, 255, 255, 255]), ClientErrorCode.InvalidPayload],
      [new Uint8Array(0), ClientErrorCode.InvalidPayload],
      [new Uint8Array(129), ClientErrorCode.InvalidPayload],
      [inputBytes(1, 1.5, 0), ClientErrorCode.InvalidPayload],
      [inputBytes(1, Number.POSITIVE_INFINITY, 0), ClientErrorCode.InvalidPayload],
    ];
    for (const [bytes, code] of cases) {
      // A fresh stream each time, so strikes do not add up across cases.
      const verdict = refused(guard.check(new InputStream(limits, 0), bytes, 0));
      assert.equal(verdict.code, code);
      assert.equal(verdict.cutOff, false);
    }
    const notBytes = refused(guard.check(new InputStream(limits, 0), 'text' as unknown as Uint8Array, 0));
    assert.equal(notBytes.code, ClientErrorCode.InvalidPayload);
  });

  it('lets a burst through, then refuses inputs over the rate and reports it at most once a second', () => {
    const stream = new InputStream(limits, 0);
    const verdicts = Array.from({ length: 7 }, (_, i) => guard.check(stream, inputBytes(i + 1, 0, 0), 0));
    assert.deepEqual(
      verdicts.map((v) => v.kind),
      ['accept', 'accept', 'accept', 'accept', 'accept', 'refuse', 'refuse'],
    );
    assert.equal(refused(verdicts[5]!).code, ClientErrorCode.RateLimited);
    assert.equal(refused(verdicts[5]!).report, true);
    assert.equal(refused(verdicts[6]!).report, false, 'the second in the same second is not answered');
    // 20 per second refill one token every 50 ms.
    assert.equal(guard.check(stream, inputBytes(6, 0, 0), 50).kind, 'accept');
    assert.equal(guard.check(stream, inputBytes(7, 0, 0), 60).kind, 'refuse');
  });

  it('cuts a client off once it runs out of strikes, and forgives one strike a second', () => {
    const stream = new InputStream(limits, 0);
    const garbage = new Uint8Array([1, 2, 3]);
    const atOnce = [0, 0, 0, 0].map(() => refused(guard.check(stream, garbage, 0)).cutOff);
    assert.deepEqual(atOnce, [false, false, false, true]);

    const patient = new InputStream(limits, 0);
    for (let second = 0; second < 20; second++) {
      assert.equal(refused(guard.check(patient, garbage, second * 1000)).cutOff, false, `second ${second}`);
    }
  });

  it('counts a message of a type the room does not know as an offence', () => {
    const verdict = refused(guard.unexpected(new InputStream(limits, 0), 'x'.repeat(500), 0));
    assert.equal(verdict.code, ClientErrorCode.InvalidPayload);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Listeners } from '../src/listeners.js';

describe('Listeners', () => {
  it('calls every callback with the arguments, and each removal removes its own registration', () => {
    const listeners = new Listeners<[number, string]>();
    const calls: string[] = [];
    const callback = (n: number, s: string): void => {
      calls.push(`${n}${s}`);
    };
    const first = listeners.add(callback);
    listeners.add(callback);
    listeners.emit(1, 'a');
    first();
    listeners.emit(2, 'b');
    assert.deepEqual(calls, ['1a', '1a', '2b']);
  });
});

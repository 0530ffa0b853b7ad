// The catalogue of game-logic's own variables says what the code does. (That it names exactly the variables the
// code reads is checked by infra's tests, which scan every package.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GAME_LOGIC_VARIABLES, tickRateFromEnv } from '../src/index.js';

describe('GAME_LOGIC_VARIABLES', () => {
  it('PACKETFLOW_TICK_RATE: read by tickRateFromEnv, its default when unset or empty, required never', () => {
    const [tickRate, ...others] = GAME_LOGIC_VARIABLES;
    assert.deepEqual(others, []);
    assert.equal(tickRate?.name, 'PACKETFLOW_TICK_RATE');
    assert.equal(tickRate.required, undefined);
    assert.equal(String(tickRateFromEnv({})), tickRate.default);
    assert.equal(String(tickRateFromEnv({ PACKETFLOW_TICK_RATE: '' })), tickRate.default);
    assert.equal(tickRateFromEnv({ PACKETFLOW_TICK_RATE: '60' }), 60);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readLayout } from '../src/layout-variable.js';

describe('PACKETFLOW_LAYOUT', () => {
  it('is separate (one process per service) when unset or empty', () => {
    assert.deepEqual(readLayout({}), { ok: true, layout: 'separate' });
    assert.deepEqual(readLayout({ PACKETFLOW_LAYOUT: '' }), { ok: true, layout: 'separate' });
  });

  it('takes each layout the launcher has', () => {
    for (const layout of ['separate', 'together', 'single'] as const) {
      assert.deepEqual(readLayout({ PACKETFLOW_LAYOUT: layout }), { ok: true, layout });
    }
  });

  it('refuses anything else with a line naming the variable, the layouts and what it got', () => {
    for (const value of ['Single', 'one', ' single', 'single,together', '__proto__', 'toString']) {
      const result = readLayout({ PACKETFLOW_LAYOUT: value });
      assert.equal(result.ok, false, value);
      if (!result.ok) {
        assert.match(result.problem, /^PACKETFLOW_LAYOUT must be one of separate, together, single, got /);
        assert.ok(result.problem.endsWith(JSON.stringify(value)), result.problem);
      }
    }
  });
});

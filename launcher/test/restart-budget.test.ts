import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RESTART_LIMITS, RestartBudget } from '../src/supervision/restart-budget.js';

describe('the restart budget', () => {
  it('allows 5 restarts in 60 s unless told otherwise', () => {
    assert.deepEqual(DEFAULT_RESTART_LIMITS, { maxRestarts: 5, periodMs: 60_000 });
  });

  it('refuses a restart past the limit within the window and allows it again once the oldest has left it', () => {
    let now = 0;
    const budget = new RestartBudget({ maxRestarts: 3, periodMs: 1_000 }, () => now);
    assert.equal(budget.spend('a'), true);
    now = 400;
    assert.equal(budget.spend('b'), true);
    assert.equal(budget.spend('a'), true);
    assert.equal(budget.inWindow, 3);
    now = 999;
    assert.equal(budget.spend('a'), false, 'a fourth within 1 s');
    assert.equal(budget.inWindow, 3, 'a refused restart spends nothing');
    now = 1_000;
    assert.equal(budget.inWindow, 2, 'the first has left the window');
    assert.equal(budget.spend('a'), true);
    assert.equal(budget.spentOn('a'), 2);
    assert.equal(budget.spentOn('b'), 1);
    now = 1_400;
    assert.equal(budget.spentOn('a'), 1);
    assert.equal(budget.spentOn('b'), 0);
  });
});

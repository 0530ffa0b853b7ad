import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ActorRef, ActorSystem, type Message } from '../src/index.js';
import { deferred } from './helpers.js';

describe('fairness', () => {
  it('a ping-pong pair that never stops on its own does not starve timers or I/O', async () => {
    const system = await ActorSystem.start();
    const bound = 50_000_000;
    let exchanges = 0;
    let exchangesWhenTimerFired = -1;
    const finished = deferred();
    system.register('player', {
      initial: () => ({}),
      handlers: {
        ball: (_msg: Message, ctx) => {
          exchanges++;
          if (exchangesWhenTimerFired >= 0 && exchanges > exchangesWhenTimerFired + 1000) finished.resolve();
          else if (exchanges < bound) ctx.tell(ctx.sender as ActorRef, _msg);
          else finished.resolve();
        },
        serve: (_msg: Message, ctx) => ctx.tell(ctx.system.ref('player', 'b'), { type: 'ball' }),
      },
    });
    const immediate = deferred();
    setTimeout(() => {
      exchangesWhenTimerFired = exchanges;
    }, 5);
    setImmediate(immediate.resolve);
    system.tell(system.ref('player', 'a'), { type: 'serve' });
    await finished.promise;
    assert.ok(exchangesWhenTimerFired > 0, 'the timer fired while the actors were playing');
    assert.ok(exchangesWhenTimerFired < bound, 'the timer fired before the bounded game ended');
    assert.ok(exchanges > exchangesWhenTimerFired, 'and the game went on after it');
    await immediate.promise;
    await system.shutdown();
  });
});

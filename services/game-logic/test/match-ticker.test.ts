// A match's ticker on a real actor system and a real tick scheduler: it never has two ticks out at once, and it ends
// once its match's activation is gone instead of ticking a dead (or a brand new) one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActorSystem, defineBehavior } from '@packetflow/actors';
import type { TickMessage } from '../src/match/match-messages.js';
import { MatchTicker, type TickerEnd } from '../src/match/match-ticker.js';
import { TickScheduler } from '../src/tick/tick-scheduler.js';
import { until } from './support/service-process.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** A ticker on a 100 Hz scheduler, for actor `ticked/<id>` of `system`. */
function tickerOn(system: ActorSystem, id: string, staleAfterMs: number) {
  const scheduler = new TickScheduler(100);
  const seen = { skipped: 0, ended: undefined as TickerEnd | undefined };
  const ticker = new MatchTicker(
    {},
    system,
    'ticked',
    id,
    staleAfterMs,
    () => seen.skipped++,
    (why) => {
      seen.ended = why;
      scheduler.remove(ticker);
    },
  );
  scheduler.add(ticker);
  return { scheduler, ticker, seen };
}

test('a match still busy with its last tick is told no other: the ticks in between are skipped, not queued', async () => {
  const system = await ActorSystem.start({ nodeId: 'ticker-busy', logger: quiet });
  const handled: number[] = [];
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  system.register(
    'ticked',
    defineBehavior<object, TickMessage | { type: 'Wake' }>({
      initial: () => ({}),
      handlers: {
        Wake: () => {},
        Tick: async (msg) => {
          handled.push(msg.tick);
          // The first tick blocks, as a physics ask to a host that went quiet does.
          if (handled.length === 1) await held;
          msg.ticker.settled();
        },
      },
    }),
  );
  // The ticker addresses the activation on this node and never creates one: the test activates it.
  system.tell(system.ref('ticked', 'busy'), { type: 'Wake' });
  const { scheduler, seen } = tickerOn(system, 'busy', 10_000);
  await until(() => seen.skipped >= 20, 'twenty ticks skipped while the first one runs');
  assert.equal(handled.length, 1, 'one tick handled, none queued behind it');
  release();
  await until(() => handled.length >= 5, 'ticks again once the first one settled');
  console.log(`ticks skipped while one was held: ${seen.skipped}, then ${handled.length - 1} handled`);
  scheduler.stop();
  await system.shutdown();
});

test('a ticker whose activation is gone ends after its stale limit: one dead letter, no new activation', async () => {
  const system = await ActorSystem.start({ nodeId: 'ticker-gone', logger: quiet });
  let handled = 0;
  system.register(
    'ticked',
    defineBehavior<object, TickMessage | { type: 'Wake' }>({
      initial: () => ({}),
      handlers: {
        Wake: () => {},
        Tick: (msg, ctx) => {
          msg.ticker.settled();
          // Stopped the way supervision stops a match past its restart budget: no deactivation hook runs.
          if (++handled === 3) ctx.stop();
        },
      },
    }),
  );
  system.tell(system.ref('ticked', 'gone'), { type: 'Wake' });
  const { seen, scheduler } = tickerOn(system, 'gone', 300);
  const started = performance.now();
  await until(() => seen.ended !== undefined, 'the ticker to end');
  const endedAfter = performance.now() - started;
  console.log(`ticker ended ${Math.round(endedAfter)} ms after it started (stale limit 300 ms after the third tick)`);
  assert.equal(seen.ended, 'tick never settled');
  assert.equal(handled, 3);
  assert.equal(scheduler.size, 0);
  assert.equal(system.stats.activations, 1, 'no tick activated a fresh copy of the stopped actor');
  // The one tick told after the stop, not one every tick for ever after.
  assert.equal(system.stats.deadLetters, 1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(system.stats.deadLetters, 1, 'nothing more once the ticker ended');
  await system.shutdown();
});

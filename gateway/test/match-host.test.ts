// The gateway tells a match's clients which cluster node runs it (`host`, a MatchHost table) just before every
// `joined`. The match moving to another node when its host dies needs two game-logic hosts and a SIGKILL: the
// end-to-end tests' two-of-everything setup checks the clients are told the new one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type GatewayProcessBackend, gatewayProcessBackend } from './support/gateway-process.js';
import { type InProcessBackend, inProcessBackend } from './support/in-process-backend.js';
import { guestToken, RawBot, until } from './support/raw-bot.js';

/** Waits for a few snapshots, each of which the room checks the match's host at. */
async function someSnapshots(bot: RawBot): Promise<void> {
  for (let i = 0; i < 5; i++) await bot.nextSnapshot();
}

describe('the match host, with the matches in the gateway’s own actor system', () => {
  let backend: InProcessBackend;
  const bots: RawBot[] = [];
  const join = async (roomId?: string) => {
    const { token } = await guestToken(backend.url);
    const bot = await RawBot.join(backend.url, roomId === undefined ? { token } : { token, roomId });
    bots.push(bot);
    return bot;
  };

  before(async () => {
    backend = await inProcessBackend();
  });

  after(async () => {
    await Promise.allSettled(bots.map((bot) => bot.leave()));
    await backend.close();
  });

  it('is the gateway’s own node, told before joined, to each client as it joins and to nobody else', async () => {
    const first = await join();
    assert.deepEqual(first.arrivals, ['host gateway-test', 'joined']);
    const second = await join(first.room.roomId);
    assert.deepEqual(second.arrivals, ['host gateway-test', 'joined']);
    await someSnapshots(first);
    assert.deepEqual(first.arrivals, ['host gateway-test', 'joined'], 'a host that did not change is not told again');
  });

  it('is told again before joined after a reconnection', async () => {
    const bot = await join();
    bot.room.reconnection.minUptime = 0;
    await bot.nextSnapshot();
    bot.drop();
    await until(() => bot.joinedCount === 2, 'JoinAccepted again after the reconnection', 10_000);
    assert.deepEqual(bot.arrivals, ['host gateway-test', 'joined', 'host gateway-test', 'joined']);
  });
});

describe('the match host, with the matches on another cluster member', () => {
  let backend: GatewayProcessBackend;
  let bot: RawBot | undefined;

  before(async () => {
    backend = await gatewayProcessBackend();
  });

  after(async () => {
    await bot?.leave();
    await backend.close();
  });

  it('is the node the gateway’s cluster routes the match to', async () => {
    bot = await RawBot.join(backend.url, { token: (await guestToken(backend.url)).token });
    assert.deepEqual(bot.arrivals, ['host services', 'joined']);
    await someSnapshots(bot);
    assert.deepEqual(bot.arrivals, ['host services', 'joined']);
  });
});

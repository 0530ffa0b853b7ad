import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type InProcessBackend, inProcessBackend } from './support/in-process-backend.js';
import { guestToken, RawBot, until } from './support/raw-bot.js';

/** The entities a bot's snapshots acknowledge inputs of: the players of the match they came from. */
function ackedEntities(bot: RawBot): Set<number> {
  return new Set(bot.snapshots.flatMap((snapshot) => snapshot.acks.map((ack) => ack.entity)));
}

function ticks(bot: RawBot): number[] {
  return bot.snapshots.map((snapshot) => snapshot.serverTick);
}

describe('snapshots published to a room’s topic', () => {
  let backend: InProcessBackend;
  const bots: RawBot[] = [];
  const join = async (roomId?: string) => {
    const token = (await guestToken(backend.url)).token;
    const bot = await RawBot.join(backend.url, roomId === undefined ? { token } : { token, roomId });
    bots.push(bot);
    return bot;
  };

  before(async () => {
    backend = await inProcessBackend({ PACKETFLOW_MATCH_SIZE: '2' });
  });

  after(async () => {
    await Promise.allSettled(bots.map((bot) => bot.leave()));
    await backend.close();
  });

  it('reach each client of the room once per tick, in order, and no client of another room', async () => {
    const first = await join();
    const second = await join(first.room.roomId);
    const other = await join();
    assert.notEqual(other.room.roomId, first.room.roomId, 'a full room sends the third player to another match');
    const from = second.snapshots.length;
    await until(() => second.snapshots.length >= from + 30 && other.snapshots.length >= 30, '30 snapshots each');
    for (const bot of [first, second, other]) {
      const seen = ticks(bot);
      for (let i = 1; i < seen.length; i++) {
        assert.ok(seen[i]! > seen[i - 1]!, `tick ${seen[i]} after ${seen[i - 1]}: each snapshot once, in order`);
      }
    }
    // Both clients of the room get every tick from the second's join on.
    const common = ticks(second).slice(0, -1);
    const firstTicks = new Set(ticks(first));
    assert.deepEqual(
      common.filter((tick) => !firstTicks.has(tick)),
      [],
    );
    assert.deepEqual([...ackedEntities(second)].sort(), [first.entity, second.entity].sort());
    assert.deepEqual([...ackedEntities(other)], [other.entity], 'the other room’s client sees only its own match');
    // Emptied, both rooms go: the next test's players start a room of their own.
    await Promise.all([first.leave(), second.leave(), other.leave()]);
  });

  it('go on for the client that stays when the other one of its room leaves', async () => {
    const stays = await join();
    const leaves = await join(stays.room.roomId);
    await leaves.nextSnapshot();
    await leaves.leave();
    const from = stays.snapshots.length;
    await until(() => stays.snapshots.length >= from + 10, '10 more snapshots for the player who stayed');
    assert.deepEqual([...ackedEntities(stays)].sort(), [stays.entity, leaves.entity].sort());
    assert.deepEqual(
      stays.snapshots.at(-1)!.acks.map((ack) => ack.entity),
      [stays.entity],
      'the last snapshots are of a match without the leaver',
    );
  });

  it('go on for a client that dropped and reconnected, on its new socket', async () => {
    const bot = await join();
    bot.room.reconnection.minUptime = 0;
    await bot.nextSnapshot();
    bot.drop();
    await until(() => bot.reconnects === 1, 'reconnected', 10_000);
    const from = bot.snapshots.length;
    await until(() => bot.snapshots.length >= from + 10, '10 snapshots after the reconnection');
    const seen = ticks(bot);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! > seen[i - 1]!, 'each snapshot once, in order');
  });
});

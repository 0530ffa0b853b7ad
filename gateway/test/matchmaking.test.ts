// Matchmaking under Colyseus: a room that is full must be locked, or joinOrCreate keeps picking it and fails.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { matchMaker } from '@colyseus/core';
import { type InProcessBackend, inProcessBackend } from './support/in-process-backend.js';
import { guestToken, RawBot, until } from './support/raw-bot.js';

describe('matchmaking', () => {
  let backend: InProcessBackend;
  const bots: RawBot[] = [];
  const join = async () => {
    const bot = await RawBot.join(backend.url, { token: (await guestToken(backend.url)).token });
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

  it('fills a match, then opens another', async () => {
    const [a, b, c] = [await join(), await join(), await join()];
    assert.equal(a.room.roomId, b.room.roomId);
    assert.notEqual(c.room.roomId, a.room.roomId);
  });

  it('a full room left unlocked (the state Colyseus reaches under churn) locks itself again', async () => {
    const first = bots[0]!;
    const room = matchMaker.getLocalRoomById(first.room.roomId)!;
    assert.ok(room.locked && room.hasReachedMaxClients());
    // Colyseus' own unlock after a leave, as it happens when a join and a leave cross: the room stays full.
    await (room.unlock as (internal: boolean) => Promise<void>).call(room, true);
    await matchMaker.driver.update((room as unknown as { _listing: never })._listing, { $set: { locked: false } });
    assert.equal(room.locked, false);
    await until(() => room.locked, 'the room to lock itself', 2000);
    const d = await join();
    assert.notEqual(d.room.roomId, first.room.roomId, 'a new player goes to a room with a free seat');
    // And a seat freed in a room it locked itself opens it again.
    await first.leave();
    await until(() => !room.locked, 'the room to unlock once a seat is free', 2000);
  });
});

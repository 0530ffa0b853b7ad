// A client cut off for misbehaving used to rejoin its match at once with its token, its strikes afresh. Now the
// player is kept out of that match for PACKETFLOW_CUT_OFF_BAN_MS, refused when the seat would be reserved.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@colyseus/sdk';
import { ClientCloseCode, MATCH_ROOM } from '@packetflow/protocol';
import { type InProcessBackend, inProcessBackend } from './support/in-process-backend.js';
import { guestToken, RawBot, until } from './support/raw-bot.js';

const BANNED = /cut off from match \S+ for misbehaving: kept out of it for another \d+ s/;

async function refusal(attempt: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await attempt;
  } catch (error) {
    const e = error as { code: number; message: string };
    return { code: e.code, message: e.message };
  }
  assert.fail('the join was accepted');
}

describe('a client cut off for misbehaving', () => {
  let backend: InProcessBackend;
  const bots: RawBot[] = [];
  const join = async (options: { token?: string; roomId?: string } = {}) => {
    const bot = await RawBot.join(backend.url, { token: (await guestToken(backend.url)).token, ...options });
    bots.push(bot);
    return bot;
  };

  before(async () => {
    backend = await inProcessBackend({ PACKETFLOW_CUT_OFF_BAN_MS: '1500', PACKETFLOW_MATCH_SIZE: '4' });
  });

  after(async () => {
    await Promise.allSettled(bots.map((bot) => bot.leave()));
    await backend.close();
  });

  it('is kept out of that match for a while, with a clear error, while others join it and it may play elsewhere', async () => {
    const good = await join();
    const matchId = good.room.roomId;
    const { token } = await guestToken(backend.url);
    const bad = await join({ token, roomId: matchId });
    bad.room.reconnection.enabled = false;
    for (let i = 0; i < 400; i++) bad.input(0, 1);
    await until(() => bad.leftWith !== undefined, 'the flooding client cut off');
    assert.equal(bad.leftWith, ClientCloseCode.Misbehaving);
    await until(() => !good.snapshots.at(-1)?.acks.some((ack) => ack.entity === bad.entity), 'it out of the match');

    const client = new Client(backend.url.replace('http', 'ws'));
    client.auth.token = token;
    const byId = await refusal(client.joinById(matchId));
    assert.equal(byId.code, 525, byId.message);
    assert.match(byId.message, BANNED);
    const anyMatch = await refusal(client.joinOrCreate(MATCH_ROOM));
    assert.match(anyMatch.message, BANNED, 'joinOrCreate would put it back in that match, the one with seats');
    const reconnection = await refusal(client.reconnect(bad.room.reconnectionToken));
    assert.match(reconnection.message, BANNED);
    const reservation = await fetch(`${backend.url}/matchmake/joinById/${matchId}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: '{}',
    });
    assert.equal(reservation.status, 525, 'refused at the reservation: no seat');

    const other = await join({ roomId: matchId });
    assert.equal(other.room.roomId, matchId, 'another player joins that match');
    const elsewhere = await client.create(MATCH_ROOM);
    assert.notEqual(elsewhere.roomId, matchId, 'the player may play in another match');
    await elsewhere.leave(true);

    // Once the time is over, it may join the match again.
    const deadline = Date.now() + 10_000;
    let back: RawBot | undefined;
    while (back === undefined) {
      back = await RawBot.join(backend.url, { token, roomId: matchId }).catch((error: Error) => {
        if (Date.now() > deadline) throw error;
        return undefined;
      });
      if (back === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    bots.push(back!);
    assert.equal(back!.room.roomId, matchId);
  });
});

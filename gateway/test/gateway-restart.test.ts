// A gateway that is SIGKILLed and started again has lost its rooms, not its matches: the game-logic service keeps
// the players' seats, and a `create` with the match's id brings the room back for them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@colyseus/sdk';
import { MATCH_ROOM } from '@packetflow/protocol';
import { type GatewayProcessBackend, gatewayProcessBackend } from './support/gateway-process.js';
import { eventually, guestToken, RawBot, until } from './support/raw-bot.js';

const DEADLINE_MS = 20_000;

/** The Colyseus error code a join was refused with. */
async function refusal(join: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await join;
  } catch (error) {
    const { code, message } = error as { code: number; message: string };
    return { code, message };
  }
  throw new Error('the join was not refused');
}

/** Sends inputs until the match acknowledges the last one; resolves with its sequence. */
async function playUntilAcked(bot: RawBot, count: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < count; i++) {
    last = bot.input(i % 2 === 0 ? 1 : -1, 1);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  await until(() => bot.ackedSequence() >= last, `input ${last} acknowledged`, DEADLINE_MS);
  return last;
}

const scoreOf = (bot: RawBot, entity: number) =>
  bot.snapshots.at(-1)?.scores.find((score) => score.entity === entity)?.score ?? 0;

describe('a restarted gateway', () => {
  let backend: GatewayProcessBackend;
  const guests: { token: string; playerId: string }[] = [];
  let matchId = '';
  let before1: { entity: number; sequence: number; score: number; tick: number }[] = [];
  let back: RawBot[] = [];

  before(async () => {
    backend = await gatewayProcessBackend();
  });

  after(() => backend.close());

  it('loses its rooms: both players of a match are back in it through one room the create brings back', async (t) => {
    guests.push(await guestToken(backend.url), await guestToken(backend.url));
    const first = await RawBot.join(backend.url, { token: guests[0]!.token, name: 'Ada' });
    const second = await RawBot.join(backend.url, { token: guests[1]!.token, roomId: first.room.roomId });
    const bots = [first, second];
    for (const bot of bots) bot.room.reconnection.enabled = false;
    matchId = first.room.roomId;
    await Promise.all(bots.map((bot) => playUntilAcked(bot, 30)));
    before1 = bots.map((bot) => ({
      entity: bot.entity,
      sequence: bot.sequence,
      score: scoreOf(bot, bot.entity),
      tick: bot.snapshots.at(-1)!.serverTick,
    }));

    await backend.killGateway();
    const refused = await refusal(new Client(backend.url.replace(/^http/, 'ws')).joinById(matchId, {}));
    assert.equal(refused.code as unknown, 'ECONNREFUSED', 'nothing answers while the gateway is down');
    const restartedAt = await backend.startGateway();

    // Both at once, as players whose reconnection just failed: one room, both seated in it.
    back = await Promise.all(
      guests.map((guest) =>
        RawBot.join(backend.url, { token: guest.token, restore: { matchId, continueInputs: true } }),
      ),
    );
    await Promise.all(back.map((bot) => bot.nextSnapshot()));
    const snapshotsAfterMs = performance.now() - restartedAt;
    t.diagnostic(`from the gateway's restart to both players' snapshots: ${Math.round(snapshotsAfterMs)} ms`);

    for (const [i, bot] of back.entries()) {
      assert.equal(bot.room.roomId, matchId, 'the same match');
      assert.equal(bot.entity, before1[i]!.entity, 'the same entity');
      const ticks = [(await bot.nextSnapshot()).serverTick, (await bot.nextSnapshot()).serverTick];
      assert.ok(ticks[0]! > before1[i]!.tick && ticks[1]! > ticks[0]!, `the match ticks on: ${ticks}`);
      assert.ok(scoreOf(bot, bot.entity) >= before1[i]!.score, 'the score the match kept');
    }
    // The inputs go on from the numbers before the restart, and the match acknowledges them.
    for (const [i, bot] of back.entries()) bot.sequence = before1[i]!.sequence;
    const acked = await Promise.all(back.map((bot) => playUntilAcked(bot, 10)));
    for (const [i, sequence] of acked.entries()) assert.ok(sequence > before1[i]!.sequence);
  });

  it('refuses to bring the room back for a player the match does not hold (522), and makes none', async () => {
    await backend.killGateway();
    await backend.startGateway();
    const stranger = await guestToken(backend.url);
    const client = new Client(backend.url.replace(/^http/, 'ws'));
    client.auth.token = stranger.token;
    const refused = await refusal(client.create(MATCH_ROOM, { matchId }));
    assert.equal(refused.code, 522);
    assert.match(refused.message, new RegExp(`match ${matchId} holds no seat for this player`));
    assert.equal((await refusal(client.joinById(matchId, {}))).code, 522, 'no room was made');
  });

  it('refuses a match that is over or never was (522), and makes no room', async () => {
    const [player] = guests;
    // The players of the match come back and leave it for good; their stats are counted once.
    const bots = await Promise.all(
      guests.map((guest) =>
        RawBot.join(backend.url, { token: guest.token, restore: { matchId, continueInputs: true } }),
      ),
    );
    await Promise.all(bots.map((bot) => bot.nextSnapshot()));
    const scores = bots.map((bot) => scoreOf(bot, bot.entity));
    for (const bot of bots) await bot.leave();
    for (const [i, guest] of guests.entries()) {
      const stats = await eventually(
        () => backend.players.stats(guest.playerId),
        (s) => s.matches >= 1,
        'stats written',
      );
      assert.equal(stats.matches, 1, 'one match, counted once');
      assert.ok(stats.score >= scores[i]! && stats.score >= before1[i]!.score, 'the score earned before the restart');
    }
    const client = new Client(backend.url.replace(/^http/, 'ws'));
    client.auth.token = player!.token;
    for (const id of [matchId, 'never-a-match']) {
      const refused = await refusal(client.create(MATCH_ROOM, { matchId: id }));
      assert.equal(refused.code, 522, `${id}: ${refused.message}`);
      assert.equal((await refusal(client.joinById(id, {}))).code, 522, `${id}: no room was made`);
    }
  });
});

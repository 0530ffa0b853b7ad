// Game modes at the gateway: the `mode` join option is checked, matchmaking only puts players of one mode together,
// and the match the players reach plays the mode they chose (JoinAccepted.mode), on the real services.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type InProcessBackend, inProcessBackend } from './support/in-process-backend.js';
import { guestToken, RawBot } from './support/raw-bot.js';

describe('game modes', () => {
  let backend: InProcessBackend;
  const bots: RawBot[] = [];
  const join = async (options: { mode?: unknown; roomId?: string } = {}) => {
    const bot = await RawBot.join(backend.url, { token: (await guestToken(backend.url)).token, ...options });
    bots.push(bot);
    return bot;
  };
  const refusal = async (options: { mode?: unknown; roomId?: string }) =>
    join(options).then(
      () => assert.fail('the join was accepted'),
      (error: unknown) => error as { code?: number; message: string },
    );

  before(async () => {
    backend = await inProcessBackend();
  });

  after(async () => {
    await Promise.allSettled(bots.map((bot) => bot.leave()));
    await backend.close();
  });

  it('puts players of one mode together, and a join naming none with those who chose touch', async () => {
    const king = await join({ mode: 'king' });
    const touch = await join({ mode: 'touch' });
    const unnamed = await join();
    const secondKing = await join({ mode: 'king' });
    assert.equal(king.joined!.mode, 'king', 'the match plays the mode the player chose');
    assert.equal(touch.joined!.mode, 'touch');
    assert.notEqual(king.room.roomId, touch.room.roomId);
    assert.equal(unnamed.room.roomId, touch.room.roomId, 'no mode is touch');
    assert.equal(unnamed.joined!.mode, 'touch');
    assert.equal(secondKing.room.roomId, king.room.roomId);
    assert.equal(secondKing.joined!.mode, 'king');
  });

  it('refuses a mode it does not know, with 521 and what it accepts', async () => {
    for (const mode of ['golf', '', 'KING', 7, { king: true }, ['king']]) {
      const refused = await refusal({ mode });
      assert.equal(refused.code, 521, `mode ${JSON.stringify(mode)}`);
      assert.match(refused.message, /mode: one of touch, king/);
    }
  });

  it('a join by id to a match of another mode is refused; one that names no mode joins it as it is', async () => {
    const king = bots.find((bot) => bot.joined?.mode === 'king')!;
    const refused = await refusal({ roomId: king.room.roomId, mode: 'touch' });
    assert.equal(refused.code, 521);
    assert.match(refused.message, /plays king, not touch/);
    const invited = await join({ roomId: king.room.roomId });
    assert.equal(invited.joined!.mode, 'king', 'an invitation link names the match, not the mode');
  });
});

// How players leave: a dropped player keeps their place for the reconnection window and leaves after it, and a
// gateway that shuts down takes every player out of their match first; either way the stats reach the player store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type InProcessBackend, inProcessBackend } from './support/in-process-backend.js';
import { eventually, guestToken, RawBot, until } from './support/raw-bot.js';

const windowMs = 600;

const matchesPlayed = (backend: InProcessBackend, playerId: string) =>
  eventually(
    () => backend.players.stats(playerId).then((stats) => stats.matches),
    (matches) => matches >= 1,
    `${playerId}'s match counted`,
  );

describe('leaving a match', () => {
  let backend: InProcessBackend;

  before(async () => {
    backend = await inProcessBackend({ PACKETFLOW_RECONNECT_WINDOW_MS: String(windowMs) });
  });

  after(() => backend.close());

  it('a dropped player holds their place for the window, then leaves and has the match counted', async () => {
    const guest = await guestToken(backend.url);
    const dropped = await RawBot.join(backend.url, { token: guest.token });
    dropped.room.reconnection.enabled = false;
    const other = await RawBot.join(backend.url, {
      token: (await guestToken(backend.url)).token,
      roomId: dropped.room.roomId,
    });
    const entity = dropped.entity;
    const inMatch = () => other.snapshots.at(-1)?.acks.some((ack) => ack.entity === entity) ?? false;
    await until(inMatch, 'both players in the snapshots');
    const droppedAt = Date.now();
    dropped.drop();
    await new Promise((resolve) => setTimeout(resolve, windowMs / 2));
    assert.ok(inMatch(), 'still in the match during the window');
    await until(() => !inMatch(), 'out of the match after the window');
    assert.ok(Date.now() - droppedAt >= windowMs, 'not before the window ended');
    assert.equal(await matchesPlayed(backend, guest.playerId), 1);
    await other.leave();
  });

  it('a gateway that shuts down takes its players out of their matches and writes their stats', async () => {
    const guests = [await guestToken(backend.url), await guestToken(backend.url)];
    const first = await RawBot.join(backend.url, { token: guests[0]!.token });
    await RawBot.join(backend.url, { token: guests[1]!.token, roomId: first.room.roomId });
    await first.nextSnapshot();
    await backend.gateway.close();
    for (const guest of guests) assert.equal(await matchesPlayed(backend, guest.playerId), 1);
  });
});

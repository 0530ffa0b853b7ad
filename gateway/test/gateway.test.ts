import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CloseCode } from '@colyseus/core';
import { Client } from '@colyseus/sdk';
import { ClientCloseCode, ClientErrorCode, MAX_SEQUENCE_GAP } from '@packetflow/protocol';
import { issueGuestToken, nativeBuild } from '../src/index.js';
import { type InProcessBackend, inProcessBackend, TEST_SECRET } from './support/in-process-backend.js';
import { eventually, guestToken, inputBytes, RawBot, until } from './support/raw-bot.js';

const maxInputBytes = 256;
const maxPayloadBytes = 1024;

async function refusal(join: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await join;
  } catch (error) {
    const e = error as { code: number; message: string };
    return { code: e.code, message: e.message };
  }
  assert.fail('join was accepted');
}

/** Server ticks the bot saw since `from`, with any tick it missed in between. */
function missedTicks(bot: RawBot, from: number): { seen: number; missed: number[] } {
  const ticks = bot.snapshots.slice(from).map((s) => s.serverTick);
  const missed: number[] = [];
  for (let i = 1; i < ticks.length; i++) {
    for (let t = ticks[i - 1]! + 1; t < ticks[i]!; t++) missed.push(t);
  }
  return { seen: ticks.length, missed };
}

describe('gateway', () => {
  let backend: InProcessBackend;
  const bots: RawBot[] = [];
  const join = async (options: { token?: string; roomId?: string; name?: string } = {}) => {
    const token = options.token ?? (await guestToken(backend.url)).token;
    const bot = await RawBot.join(backend.url, { ...options, token });
    bots.push(bot);
    return bot;
  };

  before(async () => {
    backend = await inProcessBackend({
      PACKETFLOW_MAX_INPUT_BYTES: String(maxInputBytes),
      PACKETFLOW_MAX_PAYLOAD_BYTES: String(maxPayloadBytes),
      PACKETFLOW_MATCH_SIZE: '4',
    });
  });

  after(async () => {
    await Promise.allSettled(bots.map((bot) => bot.leave()));
    await backend.close();
  });

  it('listens on loopback only, as configured', () => {
    // /proc/net/tcp lists listening sockets (state 0A) as hex address:port; 0100007F is 127.0.0.1.
    const port = backend.gateway.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(`:${port}`) && fields[3] === '0A')
      .map((fields) => fields[1]);
    assert.deepEqual(listening, [`0100007F:${port}`]);
  });

  it('runs on a native uWebSockets.js build', () => {
    assert.match(nativeBuild.file, /\.node$/);
  });

  it('joins a match with a guest token, moves the body the way the inputs say and acknowledges them', async () => {
    const guest = await guestToken(backend.url);
    assert.match(guest.playerId, /^guest-/);
    const bot = await join({ token: guest.token, name: 'Ada' });
    assert.equal(bot.joined!.playerId, guest.playerId);
    assert.equal(bot.joined!.matchId, bot.room.roomId, 'the match is the room');
    assert.equal(bot.joined!.tickRate, 30);
    assert.ok(bot.entity >= 1000, 'a player entity');
    assert.equal((await backend.players.load(guest.playerId)).name, 'Ada', 'loaded through the player store');

    await bot.nextSnapshot();
    const start = bot.position()!;
    let last = 0;
    for (let i = 0; i < 20; i++) {
      last = bot.input(1, 0);
      await bot.nextSnapshot();
    }
    await until(() => bot.ackedSequence() === last, 'the last input acknowledged');
    const now = bot.position()!;
    assert.ok(now.x > start.x + 1, `moved along +x: ${start.x} → ${now.x}`);
    assert.ok(Math.abs(now.z - start.z) < 0.5, `and not along z: ${start.z} → ${now.z}`);
  });

  it('refuses a forged, an expired, a malformed and a missing token with AUTH_FAILED', async () => {
    const forged = issueGuestToken('some-other-secret-0123456789', 60_000).token;
    const expired = issueGuestToken(TEST_SECRET, 1_000, Date.now() - 10_000).token;
    const genuine = (await guestToken(backend.url)).token;
    const [payload, signature] = genuine.split('.');
    const cases: Array<[string | undefined, RegExp]> = [
      [forged, /bad signature/],
      [`${payload}x.${signature}`, /bad signature|malformed/],
      [expired, /expired/],
      ['not-a-token', /malformed/],
      [`${'a'.repeat(2000)}.b`, /malformed/],
      [undefined, /missing/],
    ];
    for (const [token, reason] of cases) {
      const client = new Client(backend.url.replace('http', 'ws'));
      if (token !== undefined) client.auth.token = token;
      const refused = await refusal(client.joinOrCreate('match'));
      assert.equal(refused.code, 525, `${token?.slice(0, 20)}: ${refused.message}`);
      assert.match(refused.message, reason);
    }
  });

  it('refuses a display name that is not 1–32 printable characters', async () => {
    const token = (await guestToken(backend.url)).token;
    for (const name of ['', 'x'.repeat(33), 'tab\there', 'new\nline']) {
      const refused = await refusal(RawBot.join(backend.url, { token, name }));
      assert.equal(refused.code, 521, refused.message);
    }
  });

  it('answers bad input with an error, cuts off a client that keeps on, and the others carry on', async () => {
    const good = await join();
    const bad = await join({ roomId: good.room.roomId });
    await good.nextSnapshot();

    // Unreadable bytes, an oversized message, a sequence that jumps, a message type the room does not know:
    // each dropped with an error, and the connection stays.
    bad.room.sendBytes('in', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    bad.room.sendBytes('in', new Uint8Array(maxInputBytes + 1));
    bad.room.sendBytes('in', inputBytes(5000, 0, 0));
    bad.room.sendBytes('in', inputBytes(1, Number.NaN, 0));
    bad.room.send('chat', { text: 'hello' });
    bad.room.sendBytes('other', new Uint8Array([1]));
    await until(() => bad.errors.length >= 6, 'six errors');
    assert.deepEqual(
      bad.errors.map((e) => e.code),
      [
        ClientErrorCode.InvalidPayload,
        ClientErrorCode.InvalidPayload,
        ClientErrorCode.BadSequence,
        ClientErrorCode.InvalidPayload,
        ClientErrorCode.InvalidPayload,
        ClientErrorCode.InvalidPayload,
      ],
    );
    assert.match(bad.errors[0]!.message!, /unreadable ClientInput/);
    assert.equal(bad.leftWith, undefined, 'still connected');
    const sequence = bad.input(0, 1);
    await until(() => bad.ackedSequence() === sequence, 'a good input after bad ones still counts');

    // Raw garbage under the Colyseus framing: unknown protocol codes and truncated messages.
    for (const frame of [[255, 1, 2, 3], [2], [17], [17, 0xd9], [13, 0xff, 0xff], [10, 0xc1, 0xc1], []]) {
      bad.raw(new Uint8Array(frame));
    }

    // A flood: far above the rate, so the client runs out of strikes and is cut off.
    const from = good.snapshots.length;
    for (let i = 0; i < 400; i++) bad.input(0, 1);
    await until(() => bad.leftWith !== undefined, 'the flooding client cut off');
    assert.equal(bad.leftWith, ClientCloseCode.Misbehaving);
    assert.ok(
      bad.errors.some((e) => e.code === ClientErrorCode.RateLimited),
      'told it was over its rate before being cut off',
    );
    assert.ok(
      backend.log.lines.some((l) => l.message === 'client cut off'),
      'the cut-off is logged',
    );

    // The other client keeps receiving a snapshot for every tick, and its inputs still count.
    for (let i = 0; i < 10; i++) await good.nextSnapshot();
    const { seen, missed } = missedTicks(good, from);
    assert.ok(seen >= 10);
    assert.deepEqual(missed, [], 'no tick was skipped for the other client');
    const goodSequence = good.input(-1, 0);
    await until(() => good.ackedSequence() === goodSequence, 'the other client still acknowledged');
  });

  it('cuts off a client sending a frame over the transport limit or text that is not UTF-8: no seat kept', async () => {
    const breaches: Array<[string, RegExp, (bot: RawBot) => void]> = [
      ['oversized frame', /frame over the size limit/, (bot) => bot.raw(new Uint8Array(maxPayloadBytes + 100))],
      ['invalid UTF-8', /not UTF-8/, (bot) => bot.rawText(new Uint8Array([0xff, 0xfe, 0x41]))],
    ];
    const good = await join();
    for (const [what, why, breach] of breaches) {
      const guest = await guestToken(backend.url);
      const bad = await join({ token: guest.token, roomId: good.room.roomId });
      bad.room.reconnection.enabled = false;
      const inMatch = () => good.snapshots.at(-1)?.acks.some((ack) => ack.entity === bad.entity) ?? false;
      await until(inMatch, `the ${what} sender in the match`);
      const from = good.snapshots.length;
      breach(bad);
      // uWS closes the connection without a close frame, so the client sees an abnormal closure, as for a network
      // drop; the room hears the violation's own code and holds no seat for it.
      await until(() => bad.leftWith !== undefined, `the ${what} sender closed`);
      assert.equal(bad.leftWith, CloseCode.ABNORMAL_CLOSURE, what);
      await until(() => !inMatch(), `the ${what} sender out of the match, its seat not held for the 20 s window`);
      await assert.rejects(
        new Client(backend.url.replace('http', 'ws')).reconnect(bad.room.reconnectionToken),
        /cut off from match \S+ for misbehaving/,
        `the ${what} sender may not reconnect`,
      );
      const cutOff = backend.log.lines.find(
        (l) => l.message === 'client cut off' && l.fields?.player === guest.playerId,
      );
      assert.match(String(cutOff?.fields?.why), why, `the ${what} cut-off logged`);
      const stats = await eventually(
        () => backend.players.stats(guest.playerId),
        (s) => s.matches >= 1,
        `the ${what} sender's match counted`,
      );
      assert.equal(stats.matches, 1);
      const sequence = good.input(1, 0);
      await until(() => good.ackedSequence() >= sequence, 'the other player still acknowledged');
      assert.deepEqual(missedTicks(good, from).missed, [], 'the other player missed no tick');
    }
  });

  it('a client that drops reconnects into its match and keeps its body', async () => {
    const bot = await join();
    bot.room.reconnection.minUptime = 0;
    const entity = bot.entity;
    const matchId = bot.room.roomId;
    await bot.nextSnapshot();
    bot.drop();
    await until(() => bot.reconnects === 1, 'reconnected', 10_000);
    await until(() => bot.joinedCount === 2, 'JoinAccepted again after the reconnection');
    assert.equal(bot.room.roomId, matchId);
    assert.equal(bot.entity, entity, 'the same body');
    // Its sequence numbers go on from where they were: the gateway remembers them with the seat.
    const sequence = bot.input(0, -1);
    await until(() => bot.ackedSequence() === sequence, 'inputs after the reconnection acknowledged');
    // A client away for long at a high rate numbered more inputs than the gap limit allows: its first input back
    // may jump that far, once.
    bot.drop();
    await until(() => bot.reconnects === 2, 'reconnected again', 10_000);
    await until(() => bot.joinedCount === 3, 'JoinAccepted after the second reconnection');
    bot.sequence += 3 * MAX_SEQUENCE_GAP;
    const far = bot.input(0, 1);
    await until(() => bot.ackedSequence() === far, 'the input past the gap acknowledged');
    assert.equal(bot.errors.length, 0, `no error: ${JSON.stringify(bot.errors)}`);
    bot.sequence += 3 * MAX_SEQUENCE_GAP;
    bot.input(0, 1);
    await until(() => bot.errors.length === 1, 'a second jump refused');
    assert.equal(bot.errors[0]!.code, ClientErrorCode.BadSequence);
  });

  it('a player who joins again from another connection takes the seat over', async () => {
    const token = (await guestToken(backend.url)).token;
    const first = await join({ token });
    first.room.reconnection.enabled = false;
    let sent = 0;
    for (let i = 0; i < 5; i++) sent = first.input(1, 0);
    await until(() => first.ackedSequence() === sent, 'the first connection’s inputs applied');
    const second = await join({ token, roomId: first.room.roomId });
    await until(() => first.leftWith !== undefined, 'the older connection closed');
    assert.equal(first.leftWith, ClientCloseCode.Replaced);
    assert.equal(second.entity, first.entity, 'the same body');
    // The new client numbers its inputs from 1, below what the first one reached: the match counts afresh.
    const sequence = second.input(-1, 0);
    assert.equal(sequence, 1);
    await until(() => second.ackedSequence() === 1, 'the new connection’s first input acknowledged as 1');
    // A snapshot carries only what moved: the body's last position is in the last snapshot that has it.
    const x = () => second.snapshots.map((s) => second.position(s)).findLast((p) => p !== undefined)!.x;
    const before = x();
    for (let i = 0; i < 10; i++) second.input(-1, 0);
    await until(() => second.ackedSequence() === 11, 'and the ones after it');
    const after = x();
    assert.ok(after < before, `the new connection drives the body: x ${before} → ${after}`);
  });

  it('a player who leaves is out of the match and has the match counted in the player store', async () => {
    const guest = await guestToken(backend.url);
    const bot = await join({ token: guest.token });
    const other = await join({ roomId: bot.room.roomId });
    await bot.nextSnapshot();
    await bot.leave();
    await until(
      () => other.snapshots.at(-1)?.acks.every((ack) => ack.entity !== bot.entity) ?? false,
      'the player gone from the snapshots',
    );
    const stats = await eventually(
      () => backend.players.stats(guest.playerId),
      (s) => s.matches >= 1,
      'the match counted',
    );
    assert.equal(stats.matches, 1);
  });
});

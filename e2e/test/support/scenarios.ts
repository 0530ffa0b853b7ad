// What every end-to-end setup must get right, whatever the number of processes behind the gateways.
import assert from 'node:assert/strict';
import { CloseCode } from '@colyseus/sdk';
import { ClientCloseCode, ClientErrorCode, PacketFlowClient } from '@packetflow/client';
import { Bot, HostileClient, missedTicks, until } from './bots.js';

/** One bot per direction: +x, −x, +z, −z (an input's move.y drives +z). */
const DIRECTIONS = [
  { x: 1, y: 0 },
  { x: -1, y: 0 },
  { x: 0, y: 1 },
  { x: 0, y: -1 },
] as const;

/**
 * Four bots join one match (the first creates it through the first gateway, the others join it through the
 * gateways in turn), each drives its body in its own direction, and each sees its body move that way in the
 * snapshots with its inputs acknowledged. Returns the bots, still in the match.
 */
export async function fourBotsPlayOneMatch(gatewayUrls: readonly string[]): Promise<Bot[]> {
  const first = await Bot.join(gatewayUrls[0]!, { create: true });
  const rest = await Promise.all(
    [1, 2, 3].map((i) => Bot.join(gatewayUrls[i % gatewayUrls.length]!, { matchId: first.match.matchId })),
  );
  const bots = [first, ...rest];
  assert.equal(new Set(bots.map((b) => b.match.matchId)).size, 1, 'one match');
  assert.equal(new Set(bots.map((b) => b.match.entity)).size, 4, 'four bodies');
  await Promise.all(bots.map((bot) => bot.nextSnapshot()));
  const starts = bots.map((bot) => bot.position()!);
  const lasts = await Promise.all(bots.map((bot, i) => bot.drive(DIRECTIONS[i]!.x, DIRECTIONS[i]!.y, 30)));
  for (const [i, bot] of bots.entries()) {
    const start = starts[i]!;
    const now = bot.position()!;
    const dx = now.x - start.x;
    const dz = now.z - start.z;
    const along = DIRECTIONS[i]!.x * dx + DIRECTIONS[i]!.y * dz;
    const across = Math.abs(DIRECTIONS[i]!.x * dz - DIRECTIONS[i]!.y * dx);
    assert.ok(along > 1, `bot ${i} moved ${along.toFixed(2)} m its way`);
    assert.ok(along > 2 * across, `bot ${i} mostly its way: ${along.toFixed(2)} along, ${across.toFixed(2)} across`);
    assert.equal(bot.match.ackedSequence, lasts[i], `bot ${i}'s inputs acknowledged`);
    assert.equal(bot.match.pendingInputs.length, 0, `bot ${i} has nothing unacknowledged`);
    for (const other of bots) {
      assert.ok(
        bot.snapshots.at(-1)!.entities.some((e) => e.entity === other.match.entity),
        `bot ${i} sees every body`,
      );
    }
  }
  return bots;
}

export async function forgedTokenRefused(gatewayUrl: string): Promise<void> {
  const client = new PacketFlowClient(gatewayUrl);
  const { token } = await client.guest();
  const [payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
  // Another player's id under the genuine signature: what a client trying to act as someone else would send.
  client.token = `${Buffer.from(JSON.stringify({ ...claims, sub: 'guest-someone-else' })).toString('base64url')}.${signature}`;
  await assert.rejects(client.joinOrCreate(), (error: { code: number; message: string }) => {
    assert.equal(error.code, 525);
    assert.match(error.message, /bad signature/);
    return true;
  });
}

/** Bytes no `ClientInput` reader accepts. */
const GARBAGE = new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5]);

/**
 * Hostile clients in the bots' match, each cut off: one that keeps sending garbage runs out of strikes, one that
 * sends a frame over the transport's limit is closed at once, one that floods runs out of strikes. None keeps a
 * seat to reconnect into, and meanwhile every bot receives a snapshot for every tick and its inputs still count.
 */
export async function hostileClientsCutOff(gatewayUrl: string, bots: readonly Bot[]): Promise<void> {
  const matchId = bots[0]!.match.matchId;
  const from = bots.map((bot) => bot.snapshots.length);
  const hostile = await Promise.all([1, 2, 3].map(() => HostileClient.join(gatewayUrl, matchId)));
  const [garbage, oversized, flood] = hostile as [HostileClient, HostileClient, HostileClient];
  const inMatch = (client: HostileClient) =>
    bots[0]!.snapshots.at(-1)?.acks.some((ack) => ack.entity === client.entity) ?? false;
  await until(() => hostile.every(inMatch), 'the hostile clients in the match');

  // Frames under the Colyseus framing that Colyseus itself ignores, then garbage the gateway answers with an error
  // each time until the client has no strikes left.
  for (const frame of [[255, 1, 2, 3], [2], [17], [13, 0xff, 0xff], []]) garbage.raw(new Uint8Array(frame));
  const kinds = [
    () => garbage.sendInputBytes(GARBAGE),
    () => garbage.sendInputBytes(new Uint8Array(4000)),
    () => garbage.room.send('chat', { text: 'hello' }),
  ];
  const garbageClosed = await garbage.sendUntilClosed((round) => kinds[round % kinds.length]!(), 'garbage cut off');
  assert.equal(garbageClosed, ClientCloseCode.Misbehaving);
  assert.ok(garbage.errors.length > 0, 'the garbage answered before the cut-off');
  assert.ok(
    garbage.errors.every((code) => code === ClientErrorCode.InvalidPayload),
    `garbage answered with InvalidPayload: ${garbage.errors}`,
  );

  // uWebSockets.js closes the connection without a close frame, so the client sees an abnormal closure as for a lost
  // network; the gateway's room hears the violation, and the seat check below tells the two apart.
  oversized.raw(new Uint8Array(64 * 1024));
  await until(() => oversized.leftWith !== undefined, 'the oversized frame closing its connection');
  assert.equal(oversized.leftWith, CloseCode.ABNORMAL_CLOSURE);

  for (let sequence = 1; sequence <= 2000; sequence++) flood.input(sequence);
  await until(() => flood.leftWith !== undefined, 'the flood cut off');
  assert.equal(flood.leftWith, ClientCloseCode.Misbehaving);

  // The reconnection window is 20 s: a client out of the match sooner, and refused its seat, was cut off, and is
  // kept out of the match. Asked through a gateway that is not the room's, Colyseus reports any refusal from the
  // room as the remote room timing out.
  await until(() => !hostile.some(inMatch), 'the hostile clients out of the match');
  for (const client of hostile) {
    await assert.rejects(
      client.reconnect(),
      /cut off from match \S+ for misbehaving|remote room \(\S+\) timed out/,
      'no seat to reconnect into',
    );
  }

  for (const bot of bots) {
    for (let i = 0; i < 15; i++) await bot.nextSnapshot();
  }
  for (const [i, bot] of bots.entries()) {
    assert.deepEqual(missedTicks(bot, from[i]!), [], `bot ${i} received a snapshot for every tick`);
    assert.equal(bot.leftWith, undefined);
  }
  const sequences = bots.map((bot) => bot.match.sendInput({ move: { x: 0, y: 0 } }));
  await until(() => bots.every((bot, i) => bot.match.ackedSequence >= sequences[i]!), 'the bots still acknowledged');
}

/** Bots whose network is cut reconnect into their match, keep their bodies, and their inputs count again. */
export async function droppedBotsReconnect(bots: readonly Bot[], cut: () => void): Promise<void> {
  const before = bots.map((bot) => ({ matchId: bot.match.matchId, entity: bot.match.entity }));
  cut();
  const during = bots.map((bot) => bot.match.sendInput({ move: { x: 1, y: 0 } }));
  await until(
    () => bots.every((bot) => bot.reconnects >= 1),
    () => `the bots reconnected (reconnects ${bots.map((b) => b.reconnects)}, left ${bots.map((b) => b.leftWith)})`,
    15_000,
  );
  for (const [i, bot] of bots.entries()) {
    assert.equal(bot.match.matchId, before[i]!.matchId, 'into the same match');
    assert.equal(bot.match.entity, before[i]!.entity, 'with the same body');
  }
  await until(
    () => bots.every((bot, i) => bot.match.ackedSequence >= during[i]!),
    'the inputs sent while down acknowledged after the reconnection',
  );
  await Promise.all(bots.map((bot) => bot.drive(-1, 0, 5)));
}

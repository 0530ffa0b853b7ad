// Two gateways sharing matchmaking on Redis, every service a process of its own: the gateway a match's room lives on
// is SIGKILLed, and its players come back into the match through the other gateway, each keeping its entity and
// every input the match acknowledged. The room's listing outlives its gateway in Redis; the survivor must treat it
// as gone at once, not wait out Colyseus' calls to a process that will never answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { guestToken, RawBot, until } from './support/raw-bot.js';
import { type GatewayId, RedisCluster } from './support/redis-cluster.js';

/** The target from the kill to playing again is 2 s, the SDK's own reconnection attempts included. */
const REJOIN_BOUND_MS = 1000;
const RETRY_MS = 100;

let cluster: RedisCluster;

before(async () => {
  cluster = await RedisCluster.start({ gateways: 2 });
});

after(async () => {
  await cluster?.close();
});

/** Sends inputs until the match acknowledges the last one; resolves with its sequence. */
async function playUntilAcked(bot: RawBot, count: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < count; i++) {
    last = bot.input(i % 2 === 0 ? 1 : -1, 1);
    await new Promise((resolve) => setTimeout(resolve, 33));
  }
  await until(() => bot.ackedSequence() >= last, `input ${last} acknowledged`, 10_000);
  return last;
}

/** Which gateway holds the match's room, by the gateways' own room gauges. */
async function roomGateway(): Promise<GatewayId> {
  const [first, second] = await Promise.all(
    (['gateway-1', 'gateway-2'] as const).map((id) => cluster.gatewayMetric(id, 'packetflow_gateway_rooms_active')),
  );
  assert.equal((first ?? 0) + (second ?? 0), 1, 'one room, on one gateway');
  return first === 1 ? 'gateway-1' : 'gateway-2';
}

/**
 * What the SDK does once its reconnection finds the gateway gone: joins the match again with `create` and
 * `matchId`, through the address it was given (a load balancer's, here the survivor's), and again after a short
 * wait when that is refused. Resolves with the bot and the refusals on the way.
 */
async function rejoin(url: string, token: string, matchId: string): Promise<{ bot: RawBot; refusals: string[] }> {
  const refusals: string[] = [];
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      const bot = await RawBot.join(url, { token, restore: { matchId, continueInputs: true } });
      return { bot, refusals };
    } catch (error) {
      const { code, message } = error as { code?: unknown; message?: string };
      refusals.push(`${String(code)} ${message ?? ''}`.trim());
      if (performance.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

describe('a gateway SIGKILLed under its players', () => {
  it('its players play again through the other gateway within a second, with their entities and acks', async () => {
    const guests = [await guestToken(cluster.url), await guestToken(cluster.url)];
    const first = await RawBot.join(cluster.url, { token: guests[0]!.token, name: 'Ada' });
    const matchId = first.room.roomId;
    const second = await RawBot.join(cluster.gateway('gateway-2').url, { token: guests[1]!.token, roomId: matchId });
    const bots = [first, second];
    for (const bot of bots) bot.room.reconnection.enabled = false;
    await Promise.all(bots.map((bot) => playUntilAcked(bot, 30)));
    const victim = await roomGateway();
    const survivor: GatewayId = victim === 'gateway-1' ? 'gateway-2' : 'gateway-1';
    const before1 = bots.map((bot) => ({ entity: bot.entity, acked: bot.ackedSequence(), sequence: bot.sequence }));
    const survivorLines = cluster.gatewayLines(0, survivor).length;

    const killedAt = performance.now();
    await cluster.signal(victim, 'SIGKILL');
    const back = await Promise.all(
      guests.map(async (guest) => {
        const { bot, refusals } = await rejoin(cluster.gateway(survivor).url, guest.token, matchId);
        const joinedMs = performance.now() - killedAt;
        const snapshot = await bot.nextSnapshot();
        return { bot, refusals, joinedMs, playingMs: performance.now() - killedAt, snapshot };
      }),
    );
    const playing = back.map((b) => Math.round(b.playingMs));
    console.log(
      `figure: SIGKILL of ${victim}; its players back in match ${matchId} through ${survivor}: joined after ` +
        `${back.map((b) => Math.round(b.joinedMs)).join(', ')} ms, first snapshot after ${playing.join(', ')} ms ` +
        `(bound ${REJOIN_BOUND_MS} ms); refusals on the way: ${back.map((b) => b.refusals.length).join(', ')}` +
        back.flatMap((b) => b.refusals.map((r) => `\n  refused: ${r.slice(0, 200)}`)).join('') +
        `\n  ${survivor} said:\n  ` +
        cluster
          .gatewayLines(survivorLines, survivor)
          .map((line) => line.slice(0, 240))
          .join('\n  '),
    );

    for (const [i, { bot, snapshot }] of back.entries()) {
      assert.equal(bot.room.roomId, matchId, 'the same match');
      assert.equal(bot.entity, before1[i]!.entity, 'the same entity');
      assert.ok(
        bot.ackedSequence(snapshot) >= before1[i]!.acked,
        `no acknowledged input undone: ack ${bot.ackedSequence(snapshot)} after, ${before1[i]!.acked} before`,
      );
    }
    for (const ms of playing) assert.ok(ms < REJOIN_BOUND_MS, `playing again ${ms} ms after the kill`);
    // The inputs go on from their numbers before the kill, and the match acknowledges them.
    for (const [i, { bot }] of back.entries()) bot.sequence = before1[i]!.sequence;
    const acked = await Promise.all(back.map(({ bot }) => playUntilAcked(bot, 10)));
    for (const [i, sequence] of acked.entries()) assert.ok(sequence > before1[i]!.sequence);
    await Promise.all(back.map(({ bot }) => bot.leave()));
  });
});

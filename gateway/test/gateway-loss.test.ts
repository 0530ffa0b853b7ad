// Two gateways sharing matchmaking on Redis, every service a process of its own: the gateway a match's room lives on
// is SIGKILLed, and its players come back into the match through the other gateway, each keeping its entity and
// every input the match acknowledged. The room's listing outlives its gateway in Redis; the survivor must treat it
// as gone at once, not wait out Colyseus' calls to a process that will never answer. A gateway only cut off from the
// other (SIGSTOPped: the cluster unlinks it, its Redis connection stays open) keeps its rooms.
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

/** Which gateway holds the one room, by the gateways' own room gauges (an earlier test's may still be disposing). */
async function roomGateway(): Promise<GatewayId> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const [first = 0, second = 0] = await Promise.all(
      (['gateway-1', 'gateway-2'] as const).map((id) => cluster.gatewayMetric(id, 'packetflow_gateway_rooms_active')),
    );
    if (first + second === 1) return first === 1 ? 'gateway-1' : 'gateway-2';
    if (performance.now() > deadline) throw new Error(`${first} + ${second} rooms, not one`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const other = (id: GatewayId): GatewayId => (id === 'gateway-1' ? 'gateway-2' : 'gateway-1');

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

describe('a gateway lost under its players', () => {
  it('cut off from the other gateway but not from Redis, keeps its rooms listed and its players', async () => {
    const guests = [await guestToken(cluster.url), await guestToken(cluster.url)];
    const player = await RawBot.join(cluster.url, { token: guests[0]!.token });
    player.room.reconnection.enabled = false;
    await playUntilAcked(player, 10);
    const stopped = await roomGateway();
    const watcher = other(stopped);
    const from = cluster.gatewayLines(0, watcher).length;
    await cluster.signal(stopped, 'SIGSTOP');
    // Past the cluster's heartbeat bound (2 s): the watcher no longer links to it.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const lines = cluster.gatewayLines(from, watcher);
    await cluster.signal(stopped, 'SIGCONT');
    console.log(
      `figure: ${stopped} SIGSTOPped for 3 s; ${watcher} said:\n  ${lines.map((l) => l.slice(0, 200)).join('\n  ')}`,
    );
    assert.ok(
      lines.some((line) => line.includes(`link to ${stopped}`) && line.includes('down')),
      'the cluster unlinked it',
    );
    assert.ok(!lines.some((line) => line.includes('gateway gone')), 'its rooms were not taken for gone');
    await playUntilAcked(player, 10);
    const joiner = await RawBot.join(cluster.gateway(watcher).url, {
      token: guests[1]!.token,
      roomId: player.room.roomId,
    });
    assert.equal(joiner.room.roomId, player.room.roomId, 'its room is still listed and takes players');
    await Promise.all([player.leave(), joiner.leave()]);
  });

  it('its players play again through the other gateway within a second, with their entities and acks', async () => {
    const guests = [await guestToken(cluster.url), await guestToken(cluster.url)];
    const first = await RawBot.join(cluster.url, { token: guests[0]!.token, name: 'Ada' });
    const matchId = first.room.roomId;
    const second = await RawBot.join(cluster.gateway('gateway-2').url, { token: guests[1]!.token, roomId: matchId });
    const bots = [first, second];
    for (const bot of bots) bot.room.reconnection.enabled = false;
    await Promise.all(bots.map((bot) => playUntilAcked(bot, 30)));
    const victim = await roomGateway();
    const survivor = other(victim);
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

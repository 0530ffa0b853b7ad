// A match's host stops answering without its connections dropping (SIGSTOP: a hung process, as a cut-off host looks
// until its links time out). The room's re-join must not wait out the service timeout on it: each ask has a short
// deadline and is routed anew, so it reaches the other game-logic host as soon as membership drops the stopped one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hostOf } from './support/bot-views.js';
import { guestToken, RawBot, until } from './support/raw-bot.js';
import { type MemberId, RedisCluster } from './support/redis-cluster.js';

let cluster: RedisCluster;

before(async () => {
  cluster = await RedisCluster.start();
});

after(async () => {
  await cluster?.close();
});

test('a room re-joins its match on another host soon after its host stops answering', async () => {
  const { token } = await guestToken(cluster.url);
  const bot = await RawBot.join(cluster.url, { token });
  const owner = hostOf(bot) as MemberId;
  assert.ok(owner === 'logic-1' || owner === 'logic-2', `the match runs on a game-logic host, not ${owner}`);
  // The client plays on throughout, one input a tick.
  const playing = setInterval(() => bot.input(0.1, 0), 33);
  try {
    await until(() => bot.ackedSequence() >= 30, 'a second of play', 10_000);
    const seen = bot.snapshots.length;
    const linesBefore = cluster.gatewayLines().length;
    const stoppedAt = performance.now();
    await cluster.signal(owner, 'SIGSTOP');
    await until(
      () => hostOf(bot) !== owner && bot.snapshots.length > seen + 1,
      'snapshots from the other host',
      20_000,
    );
    const backMs = performance.now() - stoppedAt;
    const ackedBefore = bot.ackedSequence(bot.snapshots[seen - 1]);
    await until(() => bot.ackedSequence() > ackedBefore, 'inputs acknowledged by the other host', 5000);
    const lines = cluster.gatewayLines(linesBefore);
    const timeouts = lines.filter((line) => line.includes('within 5000 ms'));
    console.log(
      `SIGSTOP of ${owner}: snapshots from ${hostOf(bot)} ${Math.round(backMs)} ms later; the gateway said:\n  ` +
        lines.map((line) => line.slice(0, 240)).join('\n  '),
    );
    assert.deepEqual(timeouts, [], 'no ask waited out the 5 s service timeout');
    // The stopped host stays in membership until its registration expires (3 s); the target is 5 s.
    assert.ok(backMs < 6000, `snapshots back ${Math.round(backMs)} ms after the host stopped`);
  } finally {
    clearInterval(playing);
  }
});

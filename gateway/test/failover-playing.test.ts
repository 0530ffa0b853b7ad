// A match's host SIGKILLed while its client plays on: the room notices the match moved at the client's next input
// (the cluster routes it elsewhere at once when the host's links drop), holds the client's new inputs, joins the
// player on the new host and gives it the kept inputs first, then the held ones. Had a newer input reached the
// resumed match first, it would have dropped the older ones as late: the body would stand where the checkpoint
// left it, short of where the client saw it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostOf, lastX } from './support/bot-views.js';
import { guestToken, RawBot, until } from './support/raw-bot.js';
import { type MemberId, RedisCluster } from './support/redis-cluster.js';

let cluster: RedisCluster;

before(async () => {
  cluster = await RedisCluster.start();
});

after(async () => {
  await cluster?.close();
});

test('inputs made while the match fails over do not push out the ones the dead host acknowledged', async () => {
  const { token } = await guestToken(cluster.url);
  const bot = await RawBot.join(cluster.url, { token });
  const owner = hostOf(bot) as MemberId;
  assert.ok(owner === 'logic-1' || owner === 'logic-2', `the match runs on a game-logic host, not ${owner}`);
  await until(() => bot.snapshots.some((snapshot) => bot.position(snapshot) !== undefined), 'the body');
  const spawnX = lastX(bot);
  // Walks right, one input a tick, until the kill; stands still (inputs that do not move) after it.
  let walking = true;
  const playing = setInterval(() => bot.input(walking ? 0.25 : 0, 0), 33);
  try {
    await until(() => bot.ackedSequence() >= 60, 'two seconds of walking', 10_000);
    const seen = bot.snapshots.length;
    const linesBefore = cluster.gatewayLines().length;
    const ackedBefore = bot.ackedSequence();
    const beforeX = lastX(bot);
    const killedAt = performance.now();
    await cluster.signal(owner, 'SIGKILL');
    walking = false;
    const lastWalk = bot.sequence;
    await until(() => bot.snapshots.length > seen, 'a snapshot from the resumed match', 15_000);
    const firstSnapshotMs = performance.now() - killedAt;
    await until(() => bot.ackedSequence() > lastWalk + 10, 'the standing inputs acknowledged', 10_000);
    await sleep(500);

    const resumed = bot.snapshots.slice(seen);
    const lowestAck = Math.min(...resumed.map((snapshot) => bot.ackedSequence(snapshot)));
    const afterX = lastX(bot, resumed);
    const lines = cluster.gatewayLines(linesBefore);
    console.log(
      `SIGKILL of ${owner} during play: first snapshot from ${hostOf(bot)} after ${Math.round(firstSnapshotMs)} ms; ` +
        `acknowledged up to ${ackedBefore} before, the resumed match at ${lowestAck} before the replay; ` +
        `x ${beforeX.toFixed(2)} before, ${afterX.toFixed(2)} after (spawn ${spawnX.toFixed(2)}); the gateway said:\n  ` +
        lines.map((line) => line.slice(0, 260)).join('\n  '),
    );
    assert.notEqual(hostOf(bot), owner, 'the clients were told the match moved');
    assert.ok(firstSnapshotMs < 5000, `snapshots back ${Math.round(firstSnapshotMs)} ms after the kill (target 2 s)`);
    assert.ok(
      afterX >= beforeX - 0.01,
      `the body stands at least where the client last saw it (${afterX.toFixed(3)} vs ${beforeX.toFixed(3)})`,
    );
  } finally {
    clearInterval(playing);
    await bot.leave();
  }
});

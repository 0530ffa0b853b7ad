// A match's host SIGKILLed: the match resumes on the other game-logic host from its last checkpoint, and the room
// gives it again the inputs the dead host applied after that checkpoint, so no input the client saw acknowledged is
// undone. Every service is a process of its own on a real Redis.
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

test('no acknowledged input is undone when the match host is SIGKILLed: the room replays them', async () => {
  const { token } = await guestToken(cluster.url);
  const bot = await RawBot.join(cluster.url, { token });
  const owner = hostOf(bot) as MemberId;
  assert.ok(owner === 'logic-1' || owner === 'logic-2', `the match runs on a game-logic host, not ${owner}`);
  await until(() => bot.snapshots.some((snapshot) => bot.position(snapshot) !== undefined), 'the body');
  const spawnX = lastX(bot);

  // Two seconds of walking right, one input a tick: the match checkpoints every second of ticks on the way.
  // Slowly, so that the body stays clear of the world's edge.
  for (let i = 0; i < 60; i++) {
    bot.input(0.25, 0);
    await sleep(33);
  }
  const sent = bot.sequence;
  // Killed as soon as the last input is acknowledged: the last checkpoint is then older than some of the inputs.
  await until(() => bot.ackedSequence() === sent, 'every input acknowledged');
  const beforeX = lastX(bot);
  const seen = bot.snapshots.length;
  const linesBefore = cluster.gatewayLines().length;

  const killedAt = performance.now();
  await cluster.signal(owner, 'SIGKILL');
  await until(() => bot.snapshots.length > seen, 'a snapshot from the resumed match', 15_000);
  const firstSnapshotMs = performance.now() - killedAt;
  await until(() => bot.ackedSequence() >= sent, 'the acks back at the last input sent', 10_000);
  const ackedMs = performance.now() - killedAt;
  await sleep(500);

  const resumed = bot.snapshots.slice(seen);
  const lowestAck = Math.min(...resumed.map((snapshot) => bot.ackedSequence(snapshot)));
  const afterX = lastX(bot, resumed);
  const replays = cluster.gatewayLines(linesBefore).filter((line) => line.includes('inputs given to the match again'));
  console.log(
    `SIGKILL of ${owner}: first snapshot from the resumed match after ${Math.round(firstSnapshotMs)} ms; ` +
      `${sent - lowestAck} of ${sent} acknowledged inputs were behind the checkpoint, all applied again ` +
      `${Math.round(ackedMs)} ms after the kill; x ${beforeX.toFixed(2)} before, ${afterX.toFixed(2)} after ` +
      `(spawn ${spawnX.toFixed(2)}); ${replays.length} replay(s): ${replays.join(' ')}`,
  );
  assert.notEqual(hostOf(bot), owner, 'the clients were told the match moved');
  assert.ok(bot.sequence === sent, 'the client sent nothing after the kill');
  assert.equal(replays.length, 1, 'the room gave the match its kept inputs once');
  assert.ok(firstSnapshotMs < 5000, `snapshots back ${Math.round(firstSnapshotMs)} ms after the kill (target 2 s)`);
  const walked = beforeX - spawnX;
  assert.ok(walked > 1, `the body walked right before the kill (${walked.toFixed(2)})`);
  assert.ok(
    afterX - spawnX > 0.9 * walked,
    `the body is as far right as the client saw it (${(afterX - spawnX).toFixed(2)} of ${walked.toFixed(2)})`,
  );
});

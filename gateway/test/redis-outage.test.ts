// Redis SIGKILLed and started again (AOF) under a running cluster: a join while it is down fails at once with the
// gateway's 527 instead of hanging on Colyseus' Redis commands, every line the gateway prints stays JSON (no
// `[ioredis] Unhandled error event`), the outage is one line when it starts and one when it ends, and joins succeed
// once it is back. Whether matches tick on meanwhile is game-logic's to say (checkpoints go to the same Redis): the
// test prints how many snapshots the playing client got.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { guestToken, RawBot } from './support/raw-bot.js';
import { RedisCluster } from './support/redis-cluster.js';

let cluster: RedisCluster;

before(async () => {
  cluster = await RedisCluster.start();
});

after(async () => {
  await cluster?.close();
});

/** Joins a new player; the error the SDK threw, or the bot. */
async function join(): Promise<{ bot?: RawBot; error?: { code?: unknown; message?: unknown } }> {
  const { token } = await guestToken(cluster.url);
  return RawBot.join(cluster.url, { token }).then(
    (bot) => ({ bot }),
    (error: { code?: unknown; message?: unknown }) => ({ error }),
  );
}

test('a join while Redis is down fails fast with 527, and the gateway logs the outage as JSON', async () => {
  const first = await join();
  assert.ok(first.bot !== undefined, `a join with Redis up succeeds: ${JSON.stringify(first.error)}`);
  const playing = setInterval(() => first.bot!.input(0.1, 0), 33);
  try {
    const linesBefore = cluster.gatewayLines().length;
    await cluster.redis.kill();
    const killedAt = performance.now();
    const seen = first.bot.snapshots.length;

    const tries: { ms: number; code: unknown; message: unknown }[] = [];
    for (const at of [0, 1000, 4000]) {
      await sleep(Math.max(0, killedAt + at - performance.now()));
      const started = performance.now();
      const { bot, error } = await join();
      await bot?.leave();
      tries.push({ ms: Math.round(performance.now() - started), code: error?.code, message: error?.message });
    }
    await sleep(Math.max(0, killedAt + 10_000 - performance.now()));
    const playedThrough = first.bot.snapshots.length - seen;
    await cluster.redis.restart();
    const restartedAt = performance.now();
    let joined: RawBot | undefined;
    while (joined === undefined && performance.now() - restartedAt < 10_000) {
      joined = (await join()).bot;
      if (joined === undefined) await sleep(200);
    }
    const joinedAfterMs = Math.round(performance.now() - restartedAt);
    await joined?.leave();
    await sleep(500);

    const lines = cluster.gatewayLines(linesBefore);
    const notJson = lines.filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
    const outage = lines.filter((line) => line.includes('redis unreachable: seat reservations refused'));
    const back = lines.filter((line) => line.includes('"msg":"redis reachable again"'));
    console.log(
      `Redis SIGKILLed for 10 s: joins during the outage ${tries.map((t) => `${t.ms} ms (${t.code})`).join(', ')}; ` +
        `${playedThrough} snapshots in the 10 s; a join succeeded ${joinedAfterMs} ms after the restart; ` +
        `the gateway printed ${lines.length} lines:\n  ${lines.map((line) => line.slice(0, 240)).join('\n  ')}`,
    );
    for (const attempt of tries) {
      assert.equal(attempt.code, 527, `refused as matchmaking unavailable: ${JSON.stringify(attempt)}`);
      assert.match(String(attempt.message), /Redis is unreachable/);
      assert.ok(attempt.ms < 2000, `refused in ${attempt.ms} ms, not after a hang`);
    }
    assert.ok(joined !== undefined, 'a join succeeds once Redis is back');
    assert.deepEqual(notJson, [], 'every line the gateway printed is JSON');
    assert.equal(outage.length, 1, 'one line when the outage started');
    assert.equal(back.length, 1, 'one line when it ended');
  } finally {
    clearInterval(playing);
    await first.bot.leave();
  }
});

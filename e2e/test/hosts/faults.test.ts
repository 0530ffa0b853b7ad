// The backend on separate hosts (one network namespace per Compose service, infra/compose.yaml's variables), bots
// playing four matches, and the faults only separate hosts have: a host killed and back, a host cut off and healed,
// Redis killed and back, a gateway killed. Each scenario prints its figures as `figure: ...` lines and asserts what
// the system meets today, with margins; the targets of issue 14 it does not meet yet are printed beside the figure.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BotFleet, figure, record, spread, type Undone } from '../support/hosts/bot-fleet.js';
import { BALANCED_GATEWAY, GAME_LOGIC, GATEWAYS, HostCluster } from '../support/hosts/cluster.js';
import { clock, type HostProcess } from '../support/hosts/host-process.js';
import { cut, heal } from '../support/hosts/namespaces.js';

const MATCHES = 4;
const PLAYERS = 2;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = clock() + timeoutMs;
  while (!(await condition())) {
    if (clock() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

describe('separate hosts in network namespaces, with bots playing through faults', { timeout: 300_000 }, () => {
  let cluster: HostCluster | undefined;
  let botHost: HostProcess;
  let fleet: BotFleet;

  before(async () => {
    cluster = await HostCluster.start();
    botHost = cluster.startBots(new URL('../support/hosts/bot-process.js', import.meta.url).pathname, {
      PF_BOT_URL: `http://${BALANCED_GATEWAY}:2567`,
      PF_MATCHES: String(MATCHES),
      PF_PLAYERS: String(PLAYERS),
    });
    fleet = new BotFleet(botHost);
    await fleet.next('ready');
    await sleep(2000);
  });

  after(async () => {
    await cluster?.stop();
  });

  /** Match id → bots, for the matches whose snapshots come from `host`. */
  const matchesOn = (host: string) => [...fleet.matches()].filter(([, bots]) => fleet.hostOf(bots) === host);
  const busiest = () =>
    [...GAME_LOGIC].sort((a, b) => matchesOn(b).length - matchesOn(a).length)[0]! as (typeof GAME_LOGIC)[number];
  const other = (host: string) => GAME_LOGIC.find((h) => h !== host)!;
  const botsInMatches = () => [...fleet.matches().values()].flat();
  /** The bots in a match that got a snapshot after `since`. */
  const everyBotPlaying = (since: number) =>
    botsInMatches().filter((bot) => (fleet.snapshots(bot).at(-1)?.at ?? 0) > since);

  /** Prints the inputs undone across the moves in [from, to]; returns the most any bot lost. */
  function printUndone(name: string, from: number, to: number, bots: readonly number[]): number {
    const undone = bots.map((bot) => fleet.undone(bot, from, to));
    const list = (key: keyof Undone) => undone.map((u) => u[key]).join(', ');
    figure(
      `${name} acknowledged inputs undone per bot: ${list('undone')} ` +
        `(max ${Math.max(0, ...undone.map((u) => u.undone))}; target 0); rolled back at a host move: ` +
        `${list('rolledBack')}, of which applied again: ${list('reapplied')}; server ticks rolled back: ` +
        `${list('ticks')}; host moves: ${list('moves')}`,
    );
    return Math.max(0, ...undone.map((u) => u.undone));
  }

  it('node loss: the game-logic host with the most matches is SIGKILLed, and its matches resume on the other', async () => {
    const c = cluster!;
    const victim = busiest();
    const survivor = other(victim);
    const moved = matchesOn(victim);
    assert.ok(moved.length > 0, 'some match runs on the busiest host');
    figure(`node-loss matches on ${victim}: ${moved.length} of ${MATCHES}`);
    const killedAt = await c.kill(victim);
    await until(
      () => moved.every(([, bots]) => fleet.firstSnapshotAfter(bots, killedAt, victim) !== undefined),
      `every match of ${victim} sending snapshots from ${survivor}`,
      30_000,
    );
    await sleep(3000);
    const resumed = moved.map(([, bots]) => fleet.firstSnapshotAfter(bots, killedAt, victim)! - killedAt);
    figure(`node-loss time from SIGKILL to the first snapshot from ${survivor}: ${spread(resumed)} (target ≤ 2 s)`);
    const stayed = matchesOn(survivor).filter(([id]) => !moved.some(([m]) => m === id));
    const gaps = stayed.flatMap(([, bots]) => bots.map((bot) => fleet.longestGap(bot, killedAt, clock())));
    figure(`node-loss longest snapshot gap in matches already on ${survivor}: ${spread(gaps)}`);
    const undone = printUndone(
      'node-loss',
      killedAt,
      clock(),
      moved.flatMap(([, bots]) => bots),
    );
    // Each moved match says, in the first snapshot from its new host, the tick it resumed from.
    const told = moved.flatMap(([, bots]) =>
      bots.map((bot) => {
        const snaps = fleet.snapshots(bot);
        const first = snaps.find((s) => s.at > killedAt && s.resumed !== undefined);
        const lastBefore = snaps.findLast((s) => s.at <= killedAt);
        return { first, back: first === undefined || lastBefore === undefined ? 0 : lastBefore.tick - first.resumed! };
      }),
    );
    figure(
      `node-loss resumed snapshot seen by ${told.filter((t) => t.first !== undefined).length} of ${told.length} bots; ` +
        `ticks the match went back to its checkpoint: ${told.map((t) => t.back).join(', ')}`,
    );
    const resumedMax = Math.max(...resumed);
    record({
      name: 'node loss: SIGKILL of a game-logic host → first snapshot of each of its matches from the other (max)',
      value: resumedMax / 1000,
      unit: 's',
      target: '≤ 2 s',
      met: resumedMax <= 2000,
      note: `separate hosts in network namespaces, Redis membership, ${moved.length} matches moved, bots playing; the seed claims 1–5 s for a node failure, Erlang/OTP 5–30 s`,
    });
    record({
      name: 'node loss: acknowledged inputs undone (max per player)',
      value: undone,
      unit: 'inputs',
      target: '0',
      met: undone === 0,
      note: 'inputs behind the last checkpoint are replayed by the gateway into the resumed match',
    });
    // The issue's 2 s, with room for a noisy machine.
    for (const ms of resumed) assert.ok(ms < 4000, `a match resumed ${ms.toFixed(0)} ms after the kill`);
    assert.equal(undone, 0, 'the gateway replays every acknowledged input the resumed match rolled back');
    assert.ok(
      told.every((t) => t.first !== undefined),
      'every bot of a moved match was told, in a snapshot, that its match resumed and from which tick',
    );
    assert.deepEqual(everyBotPlaying(clock() - 1000), botsInMatches(), 'every bot gets snapshots again');
  });

  it('return: the killed host starts again under the same node id', async () => {
    const c = cluster!;
    const returning = GAME_LOGIC.find((name) => !c.processes.some((p) => p.host.name === name && p.running))!;
    const startedAt = clock();
    await c.startNode(returning);
    const upAt = clock();
    figure(`return ${returning} start to its ready line: ${((upAt - startedAt) / 1000).toFixed(2)} s`);
    await sleep(6000);
    const now = clock();
    const bots = botsInMatches();
    const gaps = bots.map((bot) => fleet.longestGap(bot, startedAt, now));
    const moves = bots.map((bot) => fleet.hostChanges(bot, startedAt, now));
    figure(
      `return longest snapshot gap per bot after the restart: ${spread(gaps)} (target: no outage over one tick, ≤ 67 ms)`,
    );
    figure(`return host changes per bot after the restart: ${moves.join(', ')}`);
    // Ticks a bot never got a snapshot of as its match moved: 0 means the new host went on from the very next one.
    const missed = bots.map((bot) => {
      const snaps = fleet.snapshots(bot).filter((snap) => snap.at > startedAt && snap.at <= now);
      let count = 0;
      for (let i = 1; i < snaps.length; i++) {
        if (snaps[i]!.host !== snaps[i - 1]!.host) count += Math.max(0, snaps[i]!.tick - snaps[i - 1]!.tick - 1);
      }
      return count;
    });
    figure(`return ticks skipped where a match changed host, per bot: ${missed.join(', ')} (target 0)`);
    const returnGap = Math.max(...gaps);
    record({
      name: 'return: the killed host starts again → longest snapshot gap as its matches move back (max)',
      value: returnGap,
      unit: 'ms',
      target: '≤ 67 ms: two tick periods, an outage of at most one tick',
      met: returnGap <= 67,
      note: `a planned hand-over: the old owner stops, writes its tick and players (no world snapshot) and tells the new owner, which goes on from the next tick with the physics world as it stood; ticks skipped at the move: ${Math.max(...missed)} (max per bot)`,
    });
    assert.equal(printUndone('return', startedAt, now, bots), 0, 'no acknowledged input undone by the move back');
    assert.deepEqual(everyBotPlaying(now - 1000), bots, 'every bot gets snapshots after the return');
  });

  it('partition: a game-logic host is cut off for 20 s, then healed', async () => {
    const c = cluster!;
    const victim = busiest();
    const survivor = other(victim);
    const moved = matchesOn(victim);
    figure(`partition matches on ${victim}: ${moved.length} of ${MATCHES}`);
    const matches = fleet.matches().size;
    const cutAt = clock();
    cut(c.host(victim));
    const inside: { at: number; own: number | undefined; sum: number; text: string }[] = [];
    while (clock() - cutAt < 20_000) {
      const [own, theirs] = await Promise.all([
        c.metricInside(victim, 'packetflow_matches_active'),
        c.metric(survivor, 'packetflow_matches_active'),
      ]);
      const at = clock() - cutAt;
      inside.push({
        at,
        own,
        sum: (own ?? 0) + (theirs ?? 0),
        text: `${(at / 1000).toFixed(0)}s ${own ?? '?'}/${theirs ?? '?'}`,
      });
      await sleep(1000);
    }
    const rehomed = moved.map(([, bots]) => fleet.firstSnapshotAfter(bots, cutAt, victim));
    const healAt = clock();
    heal(c.host(victim));
    // Both hosts' tickers after the heal: more than the matches there are means a match ticks on both.
    const samples: { at: number; sum: number; text: string }[] = [];
    while (clock() - healAt < 10_000) {
      const counts = await Promise.all(GAME_LOGIC.map((name) => c.metric(name, 'packetflow_matches_active')));
      samples.push({ at: clock(), sum: (counts[0] ?? 0) + (counts[1] ?? 0), text: counts.join('/') });
      await sleep(100);
    }
    const lastDouble = samples.filter((s) => s.sum > matches).at(-1);
    const now = clock();
    figure(
      `partition time from the cut to the first snapshot from ${survivor}, per match: ` +
        `${spread(rehomed.filter((at) => at !== undefined).map((at) => at! - cutAt))}, ` +
        `${rehomed.filter((at) => at === undefined).length} of ${moved.length} never re-homed during the 20 s (target ≤ 5 s, goal 2 s)`,
    );
    figure(
      `partition matches ticking on ${victim}/${survivor} during the cut, from inside each: ${inside.map((i) => i.text).join(', ')}`,
    );
    const both = inside.filter((i) => i.sum > matches);
    figure(
      `partition some match ticking on both hosts during the cut: ${both.length === 0 ? 'never seen (sampled each second)' : `seen from ${(both[0]!.at / 1000).toFixed(1)} s to ${(both.at(-1)!.at / 1000).toFixed(1)} s after the cut (sampled each second)`}; ` +
        `the cut-off host's last ticker seen ${((inside.findLast((i) => (i.own ?? 0) > 0)?.at ?? 0) / 1000).toFixed(1)} s after the cut`,
    );
    figure(
      `partition matches ticking on ${GAME_LOGIC.join('/')} after the heal (for ${matches} matches): ` +
        `first ${samples[0]?.text}, last ${samples.at(-1)?.text}; more tickers than matches until ` +
        `${lastDouble === undefined ? 'never' : `${((lastDouble.at - healAt) / 1000).toFixed(2)} s after the heal`}`,
    );
    const bots = botsInMatches();
    figure(
      `partition longest snapshot gap per bot after the heal: ${spread(bots.map((bot) => fleet.longestGap(bot, healAt, now)))}; ` +
        `host changes per bot after the heal: ${bots.map((bot) => fleet.hostChanges(bot, healAt, now)).join(', ')}`,
    );
    const partitionUndone = printUndone('partition', cutAt, now, bots);
    const rehomedMax = Math.max(...rehomed.map((at) => (at === undefined ? Number.POSITIVE_INFINITY : at - cutAt)));
    const doubleAfterHeal = lastDouble === undefined ? 0 : lastDouble.at - healAt;
    record({
      name: 'partition: a game-logic host cut off → first snapshot of each of its matches from the other (max)',
      value: rehomedMax / 1000,
      unit: 's',
      target: '≤ 5 s (goal 2 s)',
      met: rehomedMax <= 5000,
      note: `the host's link set down for 20 s; links find the dead peer by heartbeats (3 × 400 ms); the seed claims 5–15 s for a network split, Erlang/OTP 30–60 s`,
    });
    record({
      name: 'partition: heal → a single host ticking each match (time a match ticks on both)',
      value: doubleAfterHeal,
      unit: 'ms',
      target: '≤ 1 tick (33 ms)',
      met: doubleAfterHeal <= 34,
      note: "the healed host's new activation asks the holder to hand over and ticks only after its release; metrics sampled every 100 ms",
    });
    record({
      name: 'partition: acknowledged inputs undone (max per player)',
      value: partitionUndone,
      unit: 'inputs',
      target: '0',
      met: partitionUndone === 0,
      note: 'across the cut and the heal',
    });
    // The issue's 5 s, with room for a noisy machine; the old behaviour (a room waiting out a 5 s timeout on the
    // cut-off host first) took over 7 s.
    for (const at of rehomed) {
      assert.ok(
        at !== undefined && at - cutAt < 7000,
        `a match re-homed ${at === undefined ? 'never' : at - cutAt} ms after the cut`,
      );
    }
    assert.equal(inside.at(-1)!.own, 0, 'the cut-off host stopped ticking the matches it no longer owns');
    // The healed host's new activation asks the match's holder to hand it over and ticks only once the holder,
    // having stopped ticking, released its claim: no sample may see both ticking. (A holder it could not reach
    // would be claimed over after 1 s and fenced at its next checkpoint; not this scenario.)
    assert.ok(
      lastDouble === undefined,
      `a match ticked on both hosts for ${lastDouble === undefined ? 0 : lastDouble.at - healAt} ms after the heal ` +
        `(${samples.map((s) => s.text).join(' ')})`,
    );
    assert.deepEqual(everyBotPlaying(now - 1000), bots, 'every bot gets snapshots after the heal');
    assert.ok(
      samples.at(-1)!.sum <= matches,
      `a single ticker per match 10 s after the heal (${samples.at(-1)!.text})`,
    );
  });

  it('Redis: SIGKILLed and started again from its AOF after 10 s', async () => {
    const c = cluster!;
    const leaver = fleet.bots[0]!;
    const { player } = fleet.joined.get(leaver)!;
    const key = `packetflow:player:${player}`;
    fleet.send({ cmd: 'leave', bot: leaver });
    await until(async () => Number(await c.redis('HGET', key, 'matches')) >= 1, "the leaver's stats in Redis", 20_000);
    const seenAt = clock();
    const killedAt = await c.kill('redis');
    figure(`redis leaver's stats seen in Redis ${(killedAt - seenAt).toFixed(0)} ms before the SIGKILL`);
    await sleep(1000);
    fleet.send({ cmd: 'join', id: 1 });
    await sleep(9000);
    const restartedAt = clock();
    await c.startRedis();
    const join = await fleet.next('join-result', (e) => e.id === 1, 60_000);
    await sleep(3000);
    const matches = Number(await c.redis('HGET', key, 'matches'));
    const now = clock();
    const bots = botsInMatches();
    figure(
      `redis longest snapshot gap per bot from the kill to 3 s after the restart: ` +
        `${spread(bots.map((bot) => fleet.longestGap(bot, killedAt, now)))} (target: play goes on)`,
    );
    const spans = bots.map((bot) => fleet.longestGapSpan(bot, killedAt, now));
    // Play going on, the longest gap is an ordinary one; where it falls says whether the kill or the restart made it.
    figure(
      `redis where each bot's longest gap began, in s after the kill (Redis restarted at ` +
        `${((restartedAt - killedAt) / 1000).toFixed(1)} s): ${spans.map((gap) => ((gap.start - killedAt) / 1000).toFixed(2)).join(', ')}`,
    );
    figure(`redis acknowledged stats write after the restart: ${matches >= 1 ? 'kept' : 'lost'} (matches=${matches})`);
    figure(
      `redis join during the outage: ${join.ok ? 'succeeded' : 'failed'} after ${(join.ms / 1000).toFixed(2)} s ` +
        `(${(join.at - restartedAt) / 1000 > 0 ? 'answered after' : 'answered before'} the restart): ${join.message} (target: fails fast with a clear error, or succeeds)`,
    );
    const redisGap = Math.max(...bots.map((bot) => fleet.longestGap(bot, killedAt, now)));
    record({
      name: 'Redis SIGKILLed for 10 s, then restarted from its AOF → longest snapshot gap (max)',
      value: redisGap,
      unit: 'ms',
      target: '',
      note: `play goes on: the membership lease holds on every member answering its heartbeats; a join during the outage ${join.ok ? 'succeeded' : 'was refused'} in ${(join.ms / 1000).toFixed(2)} s; the leaver's stats ${matches >= 1 ? 'kept' : 'lost'}`,
    });
    const nonJson = c.nonJsonLines();
    figure(`redis log lines that are not JSON, over every host and the whole run so far: ${nonJson.length}`);
    for (const line of nonJson.slice(0, 5)) console.log(`  not JSON: ${line}`);
    // The AOF is written before Redis replies (fsync aside), so a SIGKILL of Redis alone loses no acknowledged write.
    assert.ok(matches >= 1, "the leaver's stats survive the SIGKILL");
    assert.deepEqual(everyBotPlaying(now - 1000), bots, 'play goes on after Redis is back');
  });

  it('gateway loss: the gateway with the most players is SIGKILLed; its players come back through the other', async () => {
    const c = cluster!;
    const counts = await Promise.all(GATEWAYS.map((name) => c.metric(name, 'packetflow_gateway_clients_connected')));
    const victim = (counts[1] ?? 0) > (counts[0] ?? 0) ? GATEWAYS[1] : GATEWAYS[0];
    const survivor = GATEWAYS.find((g) => g !== victim)!;
    figure(`gateway-loss players on ${GATEWAYS.join('/')}: ${counts.join('/')}`);
    c.balanceTo(survivor);
    const killedAt = await c.kill(victim);
    await sleep(2000);
    const dropped = [
      ...new Set(fleet.events.filter((e) => e.e === 'drop' && e.at >= killedAt).map((e) => (e as { bot: number }).bot)),
    ];
    await until(
      () => dropped.every((bot) => fleet.firstSnapshotAfter([bot], killedAt + 1000) !== undefined),
      'every dropped bot playing again',
      40_000,
    );
    await sleep(1000);
    const back = dropped.map((bot) => fleet.longestGap(bot, killedAt, clock()));
    const reseats = fleet.events.filter((e) => e.e === 'reseat' && e.at >= killedAt) as {
      bot: number;
      entity: number;
    }[];
    const kept = reseats.filter((r) => fleet.joined.get(r.bot)?.entity === r.entity).length;
    figure(`gateway-loss players dropped: ${dropped.length}; time without snapshots per dropped bot: ${spread(back)}`);
    const firstAfter = (kind: 'drop' | 'reseat') =>
      dropped.flatMap((bot) => {
        const event = fleet.events.find((e) => e.e === kind && e.bot === bot && e.at >= killedAt);
        return event === undefined ? [] : [event.at - killedAt];
      });
    figure(
      `gateway-loss time from the kill to the SDK's drop: ${spread(firstAfter('drop'))}; ` +
        `to its rejoin through ${survivor} (reseat): ${spread(firstAfter('reseat'))}`,
    );
    figure(
      `gateway-loss players rejoined through ${survivor}: ${reseats.length}, keeping their entity: ${kept} ` +
        '(Colyseus cannot move a room between gateways: the SDK joins the match again through a new room)',
    );
    const now = clock();
    const gatewayUndone = printUndone('gateway-loss', killedAt, now, dropped);
    const gatewayGap = Math.max(...back);
    record({
      name: 'gateway loss: SIGKILL of a gateway → its players playing again through the other (max time without snapshots)',
      value: gatewayGap,
      unit: 'ms',
      target: '',
      note: `${dropped.length} players; the SDK re-seats them in their match through the other gateway (Colyseus cannot move a room), ${kept} of ${reseats.length} keeping their entity, ${gatewayUndone} acknowledged inputs undone`,
    });
    assert.ok(dropped.length > 0, 'the killed gateway had players');
    // The gateway's default reconnection window (PACKETFLOW_RECONNECT_WINDOW_MS): the match keeps a seat that long.
    for (const ms of back) assert.ok(ms < 20_000, `a player was without snapshots for ${ms.toFixed(0)} ms`);
    assert.deepEqual(everyBotPlaying(now - 1000), botsInMatches(), 'every bot plays again');
    assert.equal(kept, reseats.length, 'every rejoined player keeps its seat');
  });
});

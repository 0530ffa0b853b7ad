// One owner per match across real processes (physics and game-logic hosts from their mains, Redis membership and
// checkpoints on a real redis-server): a match blocked on its physics holds one tick at a time, a match whose
// ownership moves stops ticking where it was (and never tries to send a Tick to another node), and a host paused
// past its membership lease stops the matches it lost without overwriting their new owner's checkpoints.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ActorRef, ActorSystem, Cluster, RedisMembership, RedisStore, RefusedError } from '@packetflow/actors';
import { physicsLimits, physicsRegistry } from '@packetflow/physics';
import { Game, type MatchCheckpointBody, type Message, outranks } from '@packetflow/protocol';
import { RedisServer } from '@packetflow/testing';
import { checkpointKey } from '../src/index.js';
import { handOverKey } from '../src/match/match-messages.js';
import { ownerKey } from '../src/match/owner-claim.js';
import { type ServiceProcess, scrapeValue, startService, until } from './support/service-process.js';
import { snapshotRoom } from './support/snapshot-room.js';

const SECRET = 'ownership-test-secret-0123456789';
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cleanups: (() => Promise<void>)[] = [];

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Redis, the named physics and game-logic hosts, and this process as a member hosting only a room. */
async function cluster(name: string, logicHosts: string[]) {
  const redis = await RedisServer.start();
  const processes = new Map<string, ServiceProcess>();
  const clusterName = `${name}-${process.pid}`;
  const env = { PACKETFLOW_SECRET: SECRET, PACKETFLOW_CLUSTER: clusterName, REDIS_URL: redis.url };
  const start = async (service: 'physics' | 'game-logic', nodeId: string) => {
    processes.set(nodeId, await startService(service, nodeId, env));
  };
  const system = await ActorSystem.start({ nodeId: `${name}-test`, logger: quiet });
  const store = new RedisStore({ url: redis.url, prefix: `${clusterName}:game-logic:` });
  let member: Cluster | undefined;
  cleanups.push(async () => {
    await member?.leave();
    for (const { child } of processes.values()) if (child.exitCode === null) child.kill('SIGKILL');
    await store.close();
    await redis.stop();
  });
  await Promise.all([start('physics', 'physics-1'), ...logicHosts.map((id) => start('game-logic', id))]);
  member = await Cluster.join(system, {
    secret: SECRET,
    membership: new RedisMembership({ url: redis.url, cluster: clusterName, logger: quiet }),
    roles: [],
    registry: physicsRegistry(),
    limits: physicsLimits,
    logger: quiet,
  });
  const linked = member;
  await until(() => linked.liveMembers().length === logicHosts.length + 2, 'the test to link to every host');
  const live = (id: string) => linked.liveMembers().some((m) => m.id === id);
  return { redis, processes, start, system, cluster: linked, store, live };
}

/** A room of the test's own that joins again (as a gateway's room does when snapshots stop) until they come. */
async function room(system: ActorSystem, matchId: string) {
  const { room, snapshots } = await snapshotRoom(system, matchId);
  const arrivals: number[] = [];
  const push = snapshots.push.bind(snapshots);
  snapshots.push = (...items) => {
    for (const _ of items) arrivals.push(performance.now());
    return push(...items);
  };
  const rejoinUntilSnapshots = async (what: string, timeoutMs = 15_000) => {
    const seen = snapshots.length;
    const deadline = performance.now() + timeoutMs;
    while (snapshots.length < seen + 3) {
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await system.send(room, { type: 'join' }, { timeoutMs: 1000 }).catch(() => {});
      await sleep(100);
    }
  };
  let sequence = 0;
  const move = () =>
    system.tell(system.ref<Message>('match', matchId), {
      type: 'PlayerInput',
      body: new Game.PlayerInputT('p1', new Game.ClientInputT(++sequence, 0, new Game.Vec2T(1, 0), null, 0)),
    } as Message);
  return { snapshots, arrivals, rejoinUntilSnapshots, move };
}

/** A match id the test's view of the cluster places on `node`. */
function matchOn(member: Cluster, node: string, prefix: string): string {
  return Array.from({ length: 200 }, (_, i) => `${prefix}-${i}`).find((id) => member.ownerOf('match', id) === node)!;
}

function logged(host: ServiceProcess, text: string): string[] {
  return host.lines.filter((line) => line.includes(text));
}

test('a match blocked on its stopped physics host holds at most one tick in its mailbox, and plays on after', async () => {
  const c = await cluster('stall', ['logic-1']);
  const logic = c.processes.get('logic-1')!;
  const r = await room(c.system, 'stalled');
  await r.rejoinUntilSnapshots('the first snapshots');
  const physics = c.processes.get('physics-1')!;
  physics.child.kill('SIGSTOP');
  // Under the membership TTL (3 s), so that physics stays a member: a host that is slow, not gone.
  const stalledAt = performance.now();
  let deepest = 0;
  while (performance.now() - stalledAt < 1500) {
    deepest = Math.max(
      deepest,
      (await scrapeValue(logic.admin, 'packetflow_mailbox_depth_max', { kind: 'match' })) ?? 0,
    );
    await sleep(50);
  }
  physics.child.kill('SIGCONT');
  const skipped = (await scrapeValue(logic.admin, 'packetflow_match_ticks_skipped_total', { cause: 'backlog' })) ?? 0;
  console.log(`physics stopped 1.5 s: deepest match mailbox ${deepest}, ticks skipped behind the held one ${skipped}`);
  assert.ok(deepest <= 1, `at most one tick waits (deepest mailbox ${deepest})`);
  assert.ok(skipped >= 15, `the ticks in between were skipped (${skipped})`);
  await r.rejoinUntilSnapshots('snapshots once physics answers again');
  assert.equal(logged(logic, 'no codec for message type Tick').length, 0, 'no Tick was sent off the node');
  // Past its restart budget (physics gone from routing, each tick failed at once) the match stops; the tick told to
  // it then is the only one dropped.
  assert.ok(logged(logic, '"msg":"dead letter').filter((line) => line.includes('"type":"Tick"')).length <= 1);
});

test('a host returning under its old id gets its match back in a planned hand-over: nothing undone, no Tick sent away', async () => {
  const c = await cluster('return', ['logic-1', 'logic-2']);
  const matchId = matchOn(c.cluster, 'logic-2', 'back');
  c.processes.get('logic-2')!.child.kill('SIGKILL');
  await until(() => !c.live('logic-2'), 'the test to see logic-2 gone');
  const r = await room(c.system, matchId);
  await r.rejoinUntilSnapshots('snapshots from logic-1');
  const logic1 = c.processes.get('logic-1')!;
  assert.equal(await scrapeValue(logic1.admin, 'packetflow_matches_active'), 1);
  // The player keeps walking through the whole return, as a bot would.
  let walking = true;
  const walk = (async () => {
    while (walking) {
      r.move();
      await sleep(30);
    }
  })();
  await sleep(1500);

  await c.start('game-logic', 'logic-2');
  await until(() => c.cluster.ownerOf('match', matchId) === 'logic-2', 'the test to route the match to logic-2 again');
  const movedAt = performance.now();
  await until(
    async () =>
      (await scrapeValue(logic1.admin, 'packetflow_matches_active')) === 0 &&
      (await scrapeValue(logic1.admin, 'packetflow_actors_active', { kind: 'match' })) === 0,
    'logic-1 to stop ticking the match and drop it',
  );
  const stoppedAfter = performance.now() - movedAt;
  const fromLogic1 = r.snapshots.length;
  const lastBefore = r.snapshots.at(-1)!;
  const lastArrival = r.arrivals.at(-1)!;
  await r.rejoinUntilSnapshots('snapshots from logic-2');
  walking = false;
  await walk;
  const firstAfter = r.snapshots[fromLogic1]!;
  const gap = r.arrivals[fromLogic1]! - lastArrival;
  const handedOver = logged(logic1, 'match handed over');
  console.log(
    `return: logic-1 stopped the match ${Math.round(stoppedAfter)} ms after the test routed it to logic-2 ` +
      `(${handedOver.length === 0 ? 'no hand-over logged' : `handed over in ${(JSON.parse(handedOver[0]!) as { ms: number }).ms} ms`}); ` +
      `snapshots stopped for ${Math.round(gap)} ms (the room rejoining every 100 ms); ` +
      `last tick from logic-1 ${lastBefore.serverTick}, first from logic-2 ${firstAfter.serverTick}`,
  );
  assert.equal(handedOver.length, 1, 'logic-1 handed the match over');
  const lost = (how: string) => scrapeValue(logic1.admin, 'packetflow_match_ownership_lost_total', { how });
  assert.deepEqual([await lost('handed_over'), await lost('fenced')], [1, 0]);
  assert.ok(
    firstAfter.serverTick >= lastBefore.serverTick,
    `logic-2 resumed where logic-1 stopped (tick ${lastBefore.serverTick} then ${firstAfter.serverTick})`,
  );
  assert.ok(
    firstAfter.acks[0]!.sequence >= lastBefore.acks[0]!.sequence,
    `no acknowledged input undone (${lastBefore.acks[0]!.sequence} then ${firstAfter.acks[0]!.sequence})`,
  );
  const logic2 = c.processes.get('logic-2')!;
  assert.equal(await scrapeValue(logic2.admin, 'packetflow_matches_active'), 1, 'logic-2 ticks the match');
  await sleep(500);
  assert.equal(await scrapeValue(logic1.admin, 'packetflow_matches_active'), 0, 'and logic-1 does not');
  assert.equal(logged(logic1, 'no codec for message type Tick').length, 0, 'no Tick was sent off the node');
  assert.equal(logged(logic1, '"type":"Tick"').length, 0, 'nor dropped, nor failed');
});

test('a host paused past its membership lease suspends the match it lost as it resumes and stops it, never overwriting the new checkpoints', async () => {
  const c = await cluster('pause', ['logic-1', 'logic-2']);
  const matchId = matchOn(c.cluster, 'logic-1', 'paused');
  const r = await room(c.system, matchId);
  await r.rejoinUntilSnapshots('snapshots from logic-1');
  const checkpointTicks: number[] = [];
  const owners = new Set<string>();
  const registry = physicsRegistry();
  let watching = true;
  const watched = (async () => {
    while (watching) {
      const bytes = await c.store.get(checkpointKey(matchId));
      const decoded = bytes === undefined ? undefined : registry.decode('MatchCheckpoint', bytes);
      if (decoded?.ok) checkpointTicks.push((decoded.value.body as MatchCheckpointBody).tick);
      const owner = await c.store.get(ownerKey(matchId));
      if (owner !== undefined) owners.add((JSON.parse(new TextDecoder().decode(owner)) as { node: string }).node);
      await sleep(20);
    }
  })();
  for (let i = 0; i < 50; i++) {
    r.move();
    await sleep(30);
  }

  const logic1 = c.processes.get('logic-1')!;
  logic1.child.kill('SIGSTOP');
  const cutAt = performance.now();
  await until(() => !c.live('logic-1'), 'the test to see logic-1 dropped from membership');
  await r.rejoinUntilSnapshots('snapshots from logic-2');
  const rehomed = performance.now() - cutAt;
  // logic-2 plays on past its own checkpoints while logic-1 sleeps on its stale copy.
  for (let i = 0; i < 50; i++) {
    r.move();
    await sleep(30);
  }
  const logic2 = c.processes.get('logic-2')!;
  assert.equal(await scrapeValue(logic2.admin, 'packetflow_matches_active'), 1);

  logic1.child.kill('SIGCONT');
  const resumedAt = performance.now();
  await until(() => logged(logic1, 'match suspended').length > 0, 'logic-1 to suspend its stale match');
  const suspendedAfter = performance.now() - resumedAt;
  await until(() => logged(logic1, 'match is no longer ours').length > 0, 'logic-1 to stop its stale match');
  const fencedAfter = performance.now() - resumedAt;
  // After the heal logic-1 owns the match again (rendezvous); the room follows it there, and one host ticks it.
  await until(() => c.live('logic-1'), 'logic-1 back in membership');
  await r.rejoinUntilSnapshots('snapshots after the heal');
  let single = 0;
  await until(async () => {
    const active = await Promise.all(
      [logic1, logic2].map(async (host) => (await scrapeValue(host.admin, 'packetflow_matches_active')) ?? 0),
    );
    single = performance.now() - resumedAt;
    return active[0]! + active[1]! === 1;
  }, 'exactly one host to tick the match');
  watching = false;
  await watched;
  console.log(
    `pause: snapshots again from logic-2 ${Math.round(rehomed)} ms after the cut (membership TTL 3 s); ` +
      `logic-1 suspended its stale match ${Math.round(suspendedAfter)} ms and stopped it ${Math.round(fencedAfter)} ms ` +
      'after it resumed (its lease lapsed, then renewed and a newer claim found); ' +
      `one host ticks it ${Math.round(single)} ms after the heal; owners seen: ${[...owners].join(', ')}`,
  );
  assert.match(logged(logic1, 'match suspended')[0]!, new RegExp(`"match":"${matchId}"`));
  const stale = logged(logic1, 'match is no longer ours')[0]!;
  assert.match(stale, new RegExp(`"match":"${matchId}"`));
  assert.match(stale, /claimed by logic-2/, 'stopped as its claim was found taken, not resumed');
  assert.equal(logged(logic1, 'match resumed').length, 0);
  assert.equal(await scrapeValue(logic1.admin, 'packetflow_match_ownership_lost_total', { how: 'fenced' }), 1);
  assert.ok(owners.has('logic-2'), 'logic-2 claimed the match');
  for (let i = 1; i < checkpointTicks.length; i++) {
    assert.ok(
      checkpointTicks[i]! >= checkpointTicks[i - 1]!,
      `the stored checkpoint never went back: tick ${checkpointTicks[i - 1]} then ${checkpointTicks[i]}`,
    );
  }
  assert.equal(logged(logic1, 'no codec for message type Tick').length, 0, 'no Tick was sent off the node');
});

test('Redis down while every member answers: the match plays on, and checkpoints again once Redis is back', async () => {
  const c = await cluster('redis', ['logic-1']);
  const logic = c.processes.get('logic-1')!;
  const r = await room(c.system, 'outage');
  await r.rejoinUntilSnapshots('the first snapshots');
  let walking = true;
  const walk = (async () => {
    while (walking) {
      r.move();
      await sleep(30);
    }
  })();
  await sleep(1500);
  await c.redis.kill();
  const fromBefore = r.snapshots.length;
  const lastBefore = r.snapshots.at(-1)!;
  // Past the lease (2.5 s) and the TTL (3 s): nobody reaches Redis, so nobody can have dropped logic-1, and every
  // member still answers it. Its lease holds on its members' answers, and the match must not stop.
  await sleep(4500);
  const during = r.snapshots.slice(fromBefore);
  const lastDuring = r.snapshots.at(-1)!;
  await c.redis.restart();
  const restartedAt = performance.now();
  const registry = physicsRegistry();
  let checkpointAfter = 0;
  await until(async () => {
    const bytes = await c.store.get(checkpointKey('outage')).catch(() => undefined);
    const decoded = bytes === undefined ? undefined : registry.decode('MatchCheckpoint', bytes);
    checkpointAfter = decoded?.ok ? (decoded.value.body as MatchCheckpointBody).tick : 0;
    return checkpointAfter > lastDuring.serverTick;
  }, 'a checkpoint written after Redis is back');
  const checkpointedAfter = performance.now() - restartedAt;
  walking = false;
  await walk;
  console.log(
    `redis: ${during.length} snapshots in the 4.5 s without Redis (ticks ${lastBefore.serverTick} to ` +
      `${lastDuring.serverTick}); a checkpoint (tick ${checkpointAfter}) ${Math.round(checkpointedAfter)} ms after ` +
      'its restart',
  );
  assert.ok(during.length >= 60, `the match played on without Redis: ${during.length} snapshots in 4.5 s`);
  assert.ok(lastDuring.serverTick >= lastBefore.serverTick + 60, 'its ticks went on');
  assert.equal(logged(logic, 'match suspended').length, 0, 'the lease held on the members answering');
  assert.equal(logged(logic, 'match is no longer ours').length, 0, 'nor was it stopped');
  assert.equal(await scrapeValue(logic.admin, 'packetflow_matches_active'), 1);
});

test('a match asked to hand itself over to a member that outranks its host does so at once, and is picked up from the tick it stopped at', async () => {
  const c = await cluster('asked', ['logic-1']);
  const matchId = matchOn(c.cluster, 'logic-1', 'asked');
  const r = await room(c.system, matchId);
  await r.rejoinUntilSnapshots('snapshots from logic-1');
  for (let i = 0; i < 40; i++) {
    r.move();
    await sleep(30);
  }
  const logic1 = c.processes.get('logic-1')!;
  const there = new ActorRef<Message>('match', matchId, 'logic-1', null);
  const ask = (node: string) =>
    c.system.send(there, { type: 'HandOverMatch', body: new Game.MatchHostT(node) } as Message, { timeoutMs: 2000 });
  // Member ids the test makes up: no such node is live, and only what the two ids say decides.
  const ids = Array.from({ length: 100 }, (_, i) => `logic-${i + 10}`);
  const outranked = ids.find((id) => !outranks('match', matchId, id, 'logic-1'))!;
  const outranking = ids.find((id) => outranks('match', matchId, id, 'logic-1'))!;
  // To the node that holds it: the word a host that handed a match over sends its new owner, to take it now.
  await ask('logic-1');
  await assert.rejects(
    ask(outranked),
    (error: unknown) => error instanceof RefusedError && /keeps the match/.test(error.message),
  );
  assert.equal(await scrapeValue(logic1.admin, 'packetflow_matches_active'), 1, 'neither changes anything');

  const lastBefore = r.snapshots.at(-1)!;
  await ask(outranking);
  const stoppedAt = r.snapshots.length;
  assert.equal(await scrapeValue(logic1.admin, 'packetflow_matches_active'), 0, 'answered once it stopped ticking');
  const registry = physicsRegistry();
  const owner = JSON.parse(new TextDecoder().decode(await c.store.get(ownerKey(matchId)))) as { released?: boolean };
  assert.equal(owner.released, true, 'its claim released before the answer');
  const decoded = registry.decode('MatchCheckpoint', (await c.store.get(handOverKey(matchId)))!);
  assert.ok(decoded.ok);
  const record = decoded.value.body as MatchCheckpointBody;
  const last = r.snapshots.at(-1)!;
  assert.equal(record.tick, last.serverTick, 'the record holds the tick of the last snapshot sent');
  assert.equal(record.physics.length, 0, 'and no world snapshot: the world stays where it is');
  assert.equal(record.mode, 'touch', 'and the mode, which a join that names none makes touch');
  assert.equal(record.players[0]!.lastSequence, last.acks[0]!.sequence);
  assert.match(String(record.players[0]!.room), /^room\/.+@asked-test$/, 'with the room the player is in');

  // Nobody took it (the outranking member does not exist): the next input activates it on logic-1 again, which goes
  // on from the record, its world as it stood, and sends to the room it names without the room joining again.
  r.move();
  await until(() => r.snapshots.length > stoppedAt + 3, 'snapshots again without a rejoin', 10_000);
  const first = r.snapshots[stoppedAt]!;
  console.log(
    `asked: ${lastBefore.serverTick} → last ${last.serverTick} at the hand-over → first ${first.serverTick} after it, ` +
      `resumed ${first.resumed} from ${first.resumedFromTick}, ${first.entities.length} entities`,
  );
  assert.equal(first.serverTick, record.tick + 1, 'the very next tick');
  assert.ok(first.resumed && first.full, 'a full snapshot that says the match resumed');
  assert.equal(first.resumedFromTick, record.tick);
  assert.ok(first.entities.length > 1, 'holding every entity, the props at rest too');
  assert.ok(first.acks[0]!.sequence >= last.acks[0]!.sequence, 'no acknowledged input undone');
  assert.equal(logged(logic1, 'hand-over record behind the physics world').length, 0);
});

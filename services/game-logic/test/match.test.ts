import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ActorSystem, defineBehavior, LmdbStore } from '@packetflow/actors';
import { initPhysics, PHYSICS_KIND, physicsRegistry, physicsWorldBehavior } from '@packetflow/physics';
import { LmdbPlayerStorage, PlayerClient, playerBehavior } from '@packetflow/player-store';
import {
  Game,
  type JoinAcceptedMessage,
  KING_ZONE,
  LEADERBOARD_KIND,
  type Message,
  type PlayerStatsMessage,
  type RecordScoreMessage,
} from '@packetflow/protocol';
import { MATCH_KIND, matchHost, TOUCH_DISTANCE } from '../src/index.js';
import { type SnapshotRoomMessage, snapshotRoom } from './support/snapshot-room.js';

let dir: string;
let store: LmdbStore;

before(async () => {
  await initPhysics();
  dir = mkdtempSync(joinPath(tmpdir(), 'game-logic.'));
  store = LmdbStore.open({ path: dir });
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A host running matches and their physics worlds, with a room that joins players and collects snapshots. */
async function host(matchId: string, rejoinWindowMs?: number) {
  const system = await ActorSystem.start({ nodeId: 'host' });
  system.register(PHYSICS_KIND, physicsWorldBehavior());
  const scheduler = matchHost(system, {
    store,
    registry: physicsRegistry(),
    tickRate: 60,
    ...(rejoinWindowMs === undefined ? {} : { rejoinWindowMs }),
  });
  const match = system.ref<Message>(MATCH_KIND, matchId);
  const { room, snapshots, joinAs } = await snapshotRoom(system, matchId);
  const join = async (playerId: string) => (await joinAs(playerId)).entity;
  let sequence = 0;
  const input = (playerId: string, x: number, z: number) =>
    system.tell(match, {
      type: 'PlayerInput',
      body: new Game.PlayerInputT(playerId, new Game.ClientInputT(++sequence, 0, new Game.Vec2T(x, z), null, 0)),
    } as Message);
  const nextSnapshot = async () => {
    const seen = snapshots.length;
    while (snapshots.length === seen) await new Promise((resolve) => setTimeout(resolve, 2));
    return snapshots.at(-1)!;
  };
  return { system, scheduler, match, room, snapshots, join, joinAs, input, nextSnapshot };
}

const position = (snapshot: Game.SnapshotT, entity: number) =>
  snapshot.entities.find((e) => e.entity === entity)?.position;

describe('a match', () => {
  test('two players driven by input packets move their bodies the way their inputs say, and a touch scores', async () => {
    const { system, match, join, input, nextSnapshot } = await host('m-drive');
    const hunter = await join('hunter');
    const runner = await join('runner');
    assert.notEqual(hunter, runner);
    const first = await nextSnapshot();
    const runnerStart = position(first, runner)!;
    let touched = false;
    let last = first;
    for (let tick = 0; tick < 600 && !touched; tick++) {
      const me = position(last, hunter)!;
      const props = last.entities.filter((e) => e.entity < 1000 && e.position);
      const target = props.reduce((best, p) =>
        Math.hypot(p.position!.x - me.x, p.position!.z - me.z) <
        Math.hypot(best.position!.x - me.x, best.position!.z - me.z)
          ? p
          : best,
      );
      const dx = target.position!.x - me.x;
      const dz = target.position!.z - me.z;
      const length = Math.hypot(dx, dz) || 1;
      input('hunter', dx / length, dz / length);
      input('runner', -1, 0);
      last = await nextSnapshot();
      const now = position(last, hunter)!;
      touched =
        Math.hypot(target.position!.x - now.x, target.position!.y - now.y, target.position!.z - now.z) <=
        TOUCH_DISTANCE;
    }
    assert.ok(touched, 'the hunter reached a prop');
    last = await nextSnapshot();
    const runnerNow = position(last, runner)!;
    assert.ok(runnerNow.x < runnerStart.x - 1, `the runner moved left: ${runnerStart.x} → ${runnerNow.x}`);
    assert.ok(Math.abs(runnerNow.z - runnerStart.z) < 0.5, 'and not sideways');
    const acks = new Map(last.acks.map((a) => [a.entity, a.sequence]));
    assert.ok(acks.get(hunter)! > 0 && acks.get(runner)! > 0, 'both players see their inputs acknowledged');
    // The mode's leaderboard hears each leaving player's score (the Python service in a real cluster; a stand-in
    // for the kind here). With none hosted, the other tests' leaves are dead letters and the matches play on.
    const recorded: Game.LeaderboardScoreT[] = [];
    system.register(
      LEADERBOARD_KIND,
      defineBehavior<object, RecordScoreMessage>({
        initial: () => ({}),
        handlers: { RecordScore: (msg) => void recorded.push(msg.body) },
      }),
    );
    const stats = (await system.send(match, {
      type: 'LeaveMatch',
      body: new Game.LeaveMatchT('m-drive', 'hunter', Game.LeaveReason.Left),
    } as Message)) as PlayerStatsMessage;
    assert.ok(stats.body.score >= 1, `the hunter scored ${stats.body.score}`);
    while (recorded.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    assert.deepEqual(recorded, [new Game.LeaderboardScoreT('hunter', 'hunter', stats.body.score)]);
    await system.shutdown();
  });

  test('a match plays the mode its first join names: king scores the player alone in the zone, other modes are refused', async () => {
    const { system, joinAs, input, nextSnapshot } = await host('m-king');
    await assert.rejects(joinAs('nobody', 'golf'), /unknown game mode "golf"; one of touch, king/);
    const king = await joinAs('king', 'king');
    assert.equal(king.mode, 'king', 'the join is answered with the mode');
    await assert.rejects(joinAs('toucher', 'touch'), /plays king, not touch/);
    assert.equal((await joinAs('king')).mode, 'king', 'a join that names no mode joins the match as it is');
    let last = await nextSnapshot();
    let inZoneFor = 0;
    let me = position(last, king.entity)!;
    for (let tick = 0; tick < 900 && (last.scores[0]?.score ?? 0) < 1; tick++) {
      me = position(last, king.entity) ?? me;
      const dx = KING_ZONE.x - me.x;
      const dz = KING_ZONE.z - me.z;
      const length = Math.hypot(dx, dz);
      if (length < KING_ZONE.radius) inZoneFor++;
      input('king', length > 0.3 ? dx / length : 0, length > 0.3 ? dz / length : 0);
      last = await nextSnapshot();
    }
    assert.equal(last.scores[0]?.score, 1, `a point after a second alone in the zone (${inZoneFor} ticks inside)`);
    await system.shutdown();
  });

  test('late, duplicate and foreign inputs are dropped and refused without disturbing the match', async () => {
    const { system, match, join, nextSnapshot } = await host('m-inputs');
    await join('p1');
    const send = (playerId: string, sequence: number) =>
      system.send(match, {
        type: 'PlayerInput',
        body: new Game.PlayerInputT(playerId, new Game.ClientInputT(sequence, 0, new Game.Vec2T(1, 0), null, 0)),
      } as Message);
    await send('p1', 5);
    await send('p1', 5);
    await nextSnapshot();
    await nextSnapshot();
    await send('p1', 3);
    await assert.rejects(send('stranger', 1), /not in match m-inputs/);
    const snapshot = await nextSnapshot();
    assert.equal(snapshot.acks[0]!.sequence, 5, 'the newest input applied is acknowledged; older ones are not');
    await system.shutdown();
  });

  test('a player joined again by a new client counts inputs from 1 again; a plain join again does not', async () => {
    const { system, match, room, join, nextSnapshot } = await host('m-restart');
    const entity = await join('r1');
    const send = (sequence: number) =>
      system.send(match, {
        type: 'PlayerInput',
        body: new Game.PlayerInputT('r1', new Game.ClientInputT(sequence, 0, new Game.Vec2T(1, 0), null, 0)),
      } as Message);
    const acked = async () => {
      const snapshot = await nextSnapshot();
      return snapshot.acks.find((a) => a.entity === entity)!.sequence;
    };
    const untilAcked = async (sequence: number) => {
      for (let i = 0; i < 100; i++) if ((await acked()) === sequence) return;
      assert.fail(`sequence ${sequence} never acknowledged`);
    };
    await send(40);
    await untilAcked(40);
    // Joining again without a restart (a room joining its players anew) keeps the count: 3 is late.
    await join('r1');
    await send(3);
    for (let i = 0; i < 3; i++) assert.equal(await acked(), 40, 'the late input is not applied');
    await send(41);
    await untilAcked(41);
    const rejoin = (restartInputs: boolean) =>
      system.send(room, { type: 'join', playerId: 'r1', restartInputs }) as Promise<JoinAcceptedMessage>;
    const again = await rejoin(true);
    assert.equal(again.body.entity, entity, 'the same body');
    await send(1);
    await untilAcked(1);
    await system.shutdown();
  });

  test('snapshots carry what moved, and the whole match after a join, after a leave and once a second', async () => {
    const { system, match, snapshots, join, input, nextSnapshot } = await host('m-delta');
    const first = await join('d1');
    const afterJoin = await nextSnapshot();
    assert.equal(afterJoin.full, true, 'the snapshot after a join is full');
    assert.deepEqual(
      afterJoin.scores.map((s) => [s.entity, s.score]),
      [[first, 0]],
      'and every snapshot carries the players’ scores',
    );
    const everything = afterJoin.entities.length;
    assert.ok(everything > 32, `every prop and the player: ${everything}`);
    // Let the arena settle, then move only the player: the snapshots in between carry just what moved.
    for (let i = 0; i < 90; i++) await nextSnapshot();
    const seen = snapshots.length;
    for (let i = 0; i < 10; i++) {
      input('d1', 1, 0);
      await nextSnapshot();
    }
    const deltas = snapshots.slice(seen).filter((s) => !s.full);
    assert.ok(deltas.length >= 8, 'most of them deltas');
    const acked = (s: Game.SnapshotT) => s.acks.find((a) => a.entity === first)?.sequence ?? 0;
    let applied = 0;
    for (const delta of deltas) {
      assert.ok(delta.entities.length < everything, `a delta carries less: ${delta.entities.length}`);
      // A tick that applied a new input moved the player. (A tick may come before the next input, so not every
      // delta applied one.)
      if (acked(delta) > acked(snapshots[snapshots.indexOf(delta) - 1]!)) {
        applied++;
        assert.ok(
          delta.entities.some((e) => e.entity === first),
          'the moving player is in every delta that applied an input',
        );
      }
    }
    assert.ok(applied >= 5, `${applied} deltas applied an input`);
    const fulls = snapshots.slice(seen - 90).filter((s) => s.full);
    assert.ok(fulls.length >= 1, 'a full snapshot within 100 ticks');
    assert.deepEqual(
      fulls.map((s) => s.serverTick % 60),
      fulls.map(() => 0),
      'once a second (every 60 ticks at 60 Hz) when nobody joins or leaves',
    );
    assert.ok(fulls.every((s) => s.entities.length === everything));

    await join('d2');
    const afterSecondJoin = snapshots.length;
    await nextSnapshot();
    assert.ok(snapshots.slice(afterSecondJoin).some((s) => s.full && s.entities.length === everything + 1));
    await system.send(match, {
      type: 'LeaveMatch',
      body: new Game.LeaveMatchT('m-delta', 'd2', Game.LeaveReason.Left),
    } as Message);
    const afterLeave = await nextSnapshot();
    assert.equal(afterLeave.full, true, 'the snapshot after a leave is full');
    assert.equal(afterLeave.entities.length, everything, 'without the player who left');
    await system.shutdown();
  });

  test('a player whose inputs stop comes to a halt instead of running on', async () => {
    const { system, snapshots, join, input, nextSnapshot } = await host('m-halt');
    const entity = await join('h1');
    const lastX = () => {
      for (let i = snapshots.length - 1; i >= 0; i--) {
        const found = snapshots[i]!.entities.find((e) => e.entity === entity);
        if (found?.position) return found.position.x;
      }
      return Number.NaN;
    };
    await nextSnapshot();
    const start = lastX();
    for (let i = 0; i < 10; i++) {
      input('h1', 1, 0);
      await nextSnapshot();
    }
    for (let i = 0; i < 20; i++) await nextSnapshot();
    const stopped = lastX();
    assert.ok(stopped > start + 0.5, `it moved while the inputs came: ${start} → ${stopped}`);
    for (let i = 0; i < 20; i++) await nextSnapshot();
    assert.ok(Math.abs(lastX() - stopped) < 0.01, `and stands still after: ${stopped} → ${lastX()}`);
    await system.shutdown();
  });

  test('the players of a room that ends under them leave the match after the rejoin window, and their stats reach the player store', async () => {
    const { system, match, room, join, nextSnapshot } = await host('m-stranded', 300);
    const players = new LmdbPlayerStorage({ path: joinPath(dir, 'stranded-players') });
    system.register('player', playerBehavior(players));
    const client = new PlayerClient(system);
    await client.load('s1');
    await client.load('s2');
    await join('s1');
    await join('s2');
    await nextSnapshot();
    // The room stops with both players in it, as when its gateway dies.
    system.tell(room, { type: 'close' });
    for (const playerId of ['s1', 's2']) {
      let matches = 0;
      for (let i = 0; i < 500 && matches === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        matches = (await client.stats(playerId)).matches;
      }
      assert.equal(matches, 1, `${playerId}'s match counted`);
    }
    await assert.rejects(
      system.send(match, {
        type: 'PlayerInput',
        body: new Game.PlayerInputT('s1', new Game.ClientInputT(1, 0, new Game.Vec2T(1, 0), null, 0)),
      } as Message),
      /not in match m-stranded/,
      'no longer in the match',
    );
    await system.shutdown();
    await players.close();
  });

  test('the players of a room that ends under them keep their seats for the rejoin window: found, and joined again from another room', async () => {
    const { system, match, room, join, nextSnapshot } = await host('m-away');
    const s1 = await join('s1');
    await join('s2');
    await nextSnapshot();
    system.tell(room, { type: 'close' });
    const findSeat = (playerId: string) =>
      system.send<JoinAcceptedMessage>(match, {
        type: 'FindSeat',
        body: new Game.JoinMatchT('m-away', playerId, null, false),
      } as Message);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const seat = await findSeat('s1');
    assert.equal(seat.body.entity, s1, 'the same entity');
    await assert.rejects(findSeat('stranger'), /player stranger has no seat in match m-away/);
    await assert.rejects(
      system.send(system.ref<Message>(MATCH_KIND, 'm-never'), {
        type: 'FindSeat',
        body: new Game.JoinMatchT('m-never', 's1', null, false),
      } as Message),
      /has no seat in match m-never/,
      'a match that does not exist holds no seat',
    );
    const again = await system.create<SnapshotRoomMessage>('room');
    const rejoined = (await system.send(again, { type: 'join', playerId: 's1' })) as JoinAcceptedMessage;
    assert.equal(rejoined.body.entity, s1, 'back with the same entity');
    await system.shutdown();
  });
});

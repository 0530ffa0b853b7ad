// The fencing token of a match's checkpoints, on a real LMDB store: a newer claim refuses the writes of an older
// one, and two hosts that both believe they own a match (views that disagree) end with one ticking it.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ActorSystem, defineBehavior, type Logger } from '@packetflow/actors';
import { initPhysics, PHYSICS_KIND, physicsRegistry, physicsWorldBehavior } from '@packetflow/physics';
import { Game, type JoinAcceptedMessage, type MatchCheckpointBody, type Message } from '@packetflow/protocol';
import { checkpointKey, MATCH_KIND, matchHost } from '../src/index.js';
import { FencedError, OwnerClaims, ownerKey } from '../src/match/owner-claim.js';
import { until } from './support/service-process.js';
import { temporaryStore } from './support/temporary-store.js';

const lmdb = temporaryStore('owner-claim.');

before(() => initPhysics());

test('a newer claim fences an older one; a lost or unreadable claim fences nobody', async () => {
  const claims = new OwnerClaims(lmdb.store, 1000);
  const a = await claims.claim('claimed', 'host-a');
  const b = await claims.claim('claimed', 'host-b');
  assert.deepEqual([a.epoch, b.epoch], [1, 2]);
  await claims.check('claimed', b);
  await assert.rejects(claims.check('claimed', a), (error: unknown) => {
    assert.ok(error instanceof FencedError);
    assert.deepEqual(error.current, { epoch: 2, node: 'host-b' });
    return true;
  });
  // The store lost the key (a Redis restarted without its data): nobody claimed the match since.
  await lmdb.store.delete(ownerKey('claimed'));
  await claims.check('claimed', b);
  await lmdb.store.put(ownerKey('claimed'), new TextEncoder().encode('{"epoch":"nine"}'));
  assert.equal(await claims.current('claimed'), undefined, 'a damaged claim reads as none');
  assert.equal((await claims.claim('claimed', 'host-c')).epoch, 1);
});

/** A host of its own (no cluster: it believes it owns every match), on the shared store, with a joining room. */
async function host(nodeId: string, warnings: string[]) {
  const logger: Logger = { info: () => {}, warn: (message) => warnings.push(message), error: () => {} };
  const system = await ActorSystem.start({ nodeId, logger });
  system.register(PHYSICS_KIND, physicsWorldBehavior());
  const scheduler = matchHost(system, { store: lmdb.store, registry: physicsRegistry(), tickRate: 30, logger });
  const snapshots: Game.SnapshotT[] = [];
  system.register(
    'room',
    defineBehavior<object, Message>({
      initial: () => ({}),
      handlers: {
        join: (msg, ctx) =>
          ctx.send<JoinAcceptedMessage>(system.ref(MATCH_KIND, 'split'), {
            type: 'JoinMatch',
            body: new Game.JoinMatchT('split', (msg as Message & { player: string }).player, null, false),
          } as Message),
        Snapshot: (msg) => {
          snapshots.push((msg as Message & { body: Game.SnapshotT }).body);
        },
      },
    }),
  );
  const room = await system.create('room');
  const joinPlayer = (player: string) => system.send(room, { type: 'join', player } as Message);
  return { system, scheduler, snapshots, joinPlayer };
}

test('two hosts that both take a match: the one claimed first stops at its next checkpoint, and the checkpoint stays the newer one', async () => {
  const warningsA: string[] = [];
  const a = await host('host-a', warningsA);
  const b = await host('host-b', []);
  try {
    await a.joinPlayer('p1');
    await until(() => a.snapshots.length >= 10, 'host-a ticking');
    await b.joinPlayer('p2');
    const claimedAt = performance.now();
    await until(() => a.scheduler.size === 0, 'host-a to stop ticking', 10_000);
    const stoppedAfter = performance.now() - claimedAt;
    console.log(`host-a stopped ${Math.round(stoppedAfter)} ms after host-b claimed the match (checkpoints every 1 s)`);
    assert.ok(stoppedAfter < 3000, 'within about one checkpoint period');
    assert.ok(warningsA.includes('match is no longer ours; stopped without a checkpoint'));
    assert.equal(b.scheduler.size, 1, 'host-b ticks on');
    const seen = a.snapshots.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(a.snapshots.length, seen, 'host-a sends no more snapshots');
    const decoded = physicsRegistry().decode('MatchCheckpoint', (await lmdb.store.get(checkpointKey('split')))!);
    assert.ok(decoded.ok);
    const players = (decoded.value.body as MatchCheckpointBody).players.map((p) => p.playerId);
    assert.ok(players.includes('p2'), `the checkpoint is host-b's (players ${players.join(', ')})`);
  } finally {
    await a.system.shutdown();
    await b.system.shutdown();
  }
});

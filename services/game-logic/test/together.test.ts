// The three services hosted together in one process, as on a single machine: a match steps its physics world,
// and when a player leaves, the stats the match reports are written through the player-store.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ActorSystem, LmdbStore } from '@packetflow/actors';
import { initPhysics, PHYSICS_KIND, physicsRegistry, physicsWorldBehavior } from '@packetflow/physics';
import { LmdbPlayerStorage, PlayerClient, playerBehavior } from '@packetflow/player-store';
import { Game, type Message, type PlayerStatsMessage } from '@packetflow/protocol';
import { MATCH_KIND, matchHost } from '../src/index.js';

test('physics, game-logic and player-store share one process and one actor system', async () => {
  await initPhysics();
  const dir = mkdtempSync(join(tmpdir(), 'together.'));
  const store = LmdbStore.open({ path: join(dir, 'matches') });
  const players = new LmdbPlayerStorage({ path: join(dir, 'players') });
  const system = await ActorSystem.start({ nodeId: 'all-in-one' });
  try {
    system.register(PHYSICS_KIND, physicsWorldBehavior());
    system.register('player', playerBehavior(players));
    matchHost(system, { store, registry: physicsRegistry(), tickRate: 60 });
    const client = new PlayerClient(system);
    await client.load('ada', 'Ada');
    const match = system.ref<Message>(MATCH_KIND, 'm-together');
    await system.send(match, { type: 'JoinMatch', body: new Game.JoinMatchT('m-together', 'ada', 'Ada') } as Message);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const result = (await system.send(match, {
      type: 'LeaveMatch',
      body: new Game.LeaveMatchT('m-together', 'ada', Game.LeaveReason.Left),
    } as Message)) as PlayerStatsMessage;
    const stats = await client.addStats('ada', { matches: result.body.matches, score: result.body.score });
    assert.equal(stats.matches, 1);
    assert.equal((await client.stats('ada')).matches, 1, 'the write went through to the store');
  } finally {
    await system.shutdown();
    await store.close();
    await players.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

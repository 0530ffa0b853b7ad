// A player's match counts once in the player store, however the write of their stats goes: the player-store node
// stopped when the player leaves (the gateway sends the stats again until it is back), the match's node stopped when
// the player leaves (the gateway asks the leave again until the match, activated from its checkpoint, answers), or a
// reply lost after the write was applied (the same stats, under the same key, sent again).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LmdbStore, type RunningNode, startNode, worthRetrying } from '@packetflow/actors';
import { matchHost } from '@packetflow/game-logic';
import { initPhysics, PHYSICS_KIND, physicsLimits, physicsRegistry, physicsWorldBehavior } from '@packetflow/physics';
import { LmdbPlayerStorage, PlayerClient, playerBehavior, playerRegistry } from '@packetflow/player-store';
import { freePort } from '@packetflow/testing';
import { type Gateway, loadConfig, startGateway } from '../src/index.js';
import { LogLines, TEST_SECRET } from './support/in-process-backend.js';
import { eventually, guestToken, RawBot } from './support/raw-bot.js';

const SECRET = 'stats-exactly-once-cluster-secret-0123';

describe('a match result reaches the player store exactly once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-stats-'));
  const log = new LogLines();
  const registry = playerRegistry(physicsRegistry());
  let peers: string;
  let gatewayNode: RunningNode;
  let matchesNode: RunningNode | undefined;
  let playersNode: RunningNode | undefined;
  let storage: LmdbPlayerStorage | undefined;
  let store: LmdbStore | undefined;
  let gateway: Gateway;
  let url: string;
  let players: PlayerClient;

  /** The player-store as its own cluster member, on the same node id, port and database every time. */
  async function startPlayerStore(): Promise<void> {
    const opened = new LmdbPlayerStorage({ path: join(dir, 'players') });
    storage = opened;
    playersNode = await startNode({
      env: { PACKETFLOW_NODE_ID: 'players', PACKETFLOW_PEERS: peers, PACKETFLOW_SECRET: SECRET },
      register: (system) => system.register('player', playerBehavior(opened)),
      registry,
      logger: log,
      handleSignals: false,
    });
  }

  async function stopPlayerStore(): Promise<void> {
    await playersNode?.stop();
    await storage?.close();
    playersNode = undefined;
    storage = undefined;
  }

  /** Matches and their physics as their own cluster member, on the same node id, port and checkpoints every time. */
  async function startMatches(): Promise<void> {
    const checkpoints = LmdbStore.open({ path: join(dir, 'matches') });
    store = checkpoints;
    matchesNode = await startNode({
      env: { PACKETFLOW_NODE_ID: 'matches', PACKETFLOW_PEERS: peers, PACKETFLOW_SECRET: SECRET },
      register: (system) => {
        system.register(PHYSICS_KIND, physicsWorldBehavior());
        matchHost(system, { store: checkpoints, registry, tickRate: 30, logger: log });
      },
      registry,
      limits: physicsLimits,
      logger: log,
      handleSignals: false,
    });
  }

  async function stopMatches(): Promise<void> {
    await matchesNode?.stop();
    await store?.close();
    matchesNode = undefined;
    store = undefined;
  }

  before(async () => {
    await initPhysics();
    const [gatewayPort, matchesPort, playersPort] = [await freePort(), await freePort(), await freePort()];
    peers =
      `gateway=127.0.0.1:${gatewayPort},matches=127.0.0.1:${matchesPort}/physics+match,` +
      `players=127.0.0.1:${playersPort}/player`;
    gatewayNode = await startNode({
      env: { PACKETFLOW_NODE_ID: 'gateway', PACKETFLOW_PEERS: peers, PACKETFLOW_SECRET: SECRET },
      register: () => {},
      roles: [],
      registry,
      logger: log,
      handleSignals: false,
    });
    await startMatches();
    await startPlayerStore();
    const config = loadConfig({ PACKETFLOW_TOKEN_SECRET: TEST_SECRET, PACKETFLOW_GATEWAY_PORT: '0' });
    gateway = await startGateway(config, { system: gatewayNode.system, cluster: gatewayNode.cluster, logger: log });
    url = `http://127.0.0.1:${gateway.port}`;
    players = new PlayerClient(gatewayNode.system, { timeoutMs: 5000 });
  });

  after(async () => {
    await gateway.close();
    await gatewayNode.stop();
    await stopMatches();
    await stopPlayerStore();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The player's matches once they count one. A restarted player-store is not live to the other members at once,
   * and the gateway's write waits out its backoff: polls for as long as the gateway would retry.
   */
  async function matchesOf(playerId: string): Promise<number> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const matches = await players.stats(playerId).then(
        (stats) => stats.matches,
        (error: unknown) => {
          if (!worthRetrying(error)) throw error;
          return 0;
        },
      );
      if (matches >= 1) return matches;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${playerId}'s match to count`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('a player who leaves while their match cannot answer has the leave asked again, and the match counted once', async () => {
    const guest = await guestToken(url);
    const bot = await RawBot.join(url, { token: guest.token });
    await bot.nextSnapshot();
    await stopMatches();
    await bot.leave();
    await eventually(
      async () =>
        log.lines.some(
          (line) =>
            line.level === 'warn' &&
            line.message === 'the match did not answer the leave; asking again' &&
            line.fields?.player === guest.playerId,
        ),
      (retrying) => retrying,
      'the gateway asking the leave again',
    );
    await startMatches();
    assert.equal(await matchesOf(guest.playerId), 1);
    assert.ok(
      !log.lines.some((line) => line.level === 'error' && line.fields?.player === guest.playerId),
      'no leave or stats write given up',
    );
  });

  it('a player who leaves while the player-store is down has the match counted once it is back', async () => {
    const guest = await guestToken(url);
    const bot = await RawBot.join(url, { token: guest.token });
    await bot.nextSnapshot();
    await stopPlayerStore();
    await bot.leave();
    await eventually(
      async () => log.lines.some((line) => line.level === 'warn' && line.fields?.player === guest.playerId),
      (retrying) => retrying,
      'the gateway retrying the stats write',
    );
    await startPlayerStore();
    assert.equal(await matchesOf(guest.playerId), 1);
    await gateway.close(); // waits for the stats writes still under way
    assert.equal((await players.stats(guest.playerId)).matches, 1);
    assert.ok(
      !log.lines.some((line) => line.level === 'error' && line.fields?.player === guest.playerId),
      'no stats write given up',
    );
  });

  it('the same stats sent again under their key after a lost reply count once', async () => {
    const playerId = 'replayed-player';
    await players.load(playerId, 'Replay');
    const win = { matches: 1, score: 7, xp: 7 };
    assert.deepEqual(await players.addStats(playerId, win, 'match:m1:1'), win);
    // The first reply "lost": the writer sends it again, through the retrying write the gateway uses.
    assert.deepEqual(await players.addStatsUntilWritten(playerId, win, 'match:m1:1', { failure: 'not written' }), win);
    assert.deepEqual(await players.stats(playerId), win);
  });
});

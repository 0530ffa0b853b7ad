// The SDK when its gateway is SIGKILLed and started again: the reconnection finds the room gone, and the connection
// joins the same match again through the room the gateway brings back, numbering its inputs on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CloseCode } from '@colyseus/sdk';
import { type GatewayProcessBackend, gatewayProcessBackend } from '@packetflow/gateway/test-support';
import { type ConnectionSettings, type MatchConnection, PacketFlowClient } from '../src/index.js';
import { waiter } from './support/until.js';

const DEADLINE_MS = 30_000;

const until = waiter(DEADLINE_MS);

/** A player on the SDK that keeps sending inputs and records what comes back. */
class Player {
  readonly ticks: number[] = [];
  reseats = 0;
  leftWith: number | undefined;
  /** performance.now() of the first snapshot after the latest re-seat. */
  backAt: number | undefined;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(readonly match: MatchConnection) {
    match.onSnapshot((snapshot) => {
      this.ticks.push(snapshot.serverTick);
      this.backAt ??= performance.now();
    });
    match.onReseat(() => {
      this.reseats++;
      this.backAt = undefined;
    });
    match.onLeave((code) => {
      this.leftWith = code;
    });
    this.timer = setInterval(() => {
      if (this.leftWith === undefined) match.sendInput({ move: { x: 1, y: 0 } });
    }, 50);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

async function twoPlayers(backend: GatewayProcessBackend, settings: ConnectionSettings): Promise<Player[]> {
  const clients = [new PacketFlowClient(backend.url), new PacketFlowClient(backend.url)];
  for (const client of clients) await client.guest();
  const first = await clients[0]!.joinOrCreate({ ...settings, interpolate: false });
  const second = await clients[1]!.join(first.matchId, { ...settings, interpolate: false });
  return [new Player(first), new Player(second)];
}

describe('the SDK when the gateway restarts', () => {
  let backend: GatewayProcessBackend;

  before(async () => {
    backend = await gatewayProcessBackend();
  });

  after(() => backend.close());

  it('re-seats both players of a match in it, and their inputs are acknowledged again', async (t) => {
    const players = await twoPlayers(backend, { reconnection: { minUptimeMs: 0 } });
    await until(() => players.every((p) => p.match.ackedSequence >= 10), 'inputs acknowledged');
    const matchId = players[0]!.match.matchId;
    const entities = players.map((p) => p.match.entity);
    const acked = players.map((p) => p.match.ackedSequence);
    const ticks = players.map((p) => p.ticks.at(-1)!);
    const moves: string[] = [];
    for (const player of players) {
      assert.equal(player.match.host, 'services', 'the node the gateway routes the match to');
      player.match.onHost((nodeId) => moves.push(nodeId));
    }

    await backend.killGateway();
    await until(() => players.every((p) => !p.match.connected), 'both dropped');
    const restartedAt = await backend.startGateway();
    await until(() => players.every((p) => p.reseats === 1 && p.backAt !== undefined), 'both re-seated');
    const backMs = Math.max(...players.map((p) => p.backAt!)) - restartedAt;
    t.diagnostic(`from the gateway's restart to both players' snapshots: ${Math.round(backMs)} ms`);

    for (const [i, player] of players.entries()) {
      assert.equal(player.match.matchId, matchId, 'the same match');
      assert.equal(player.match.entity, entities[i], 'the same entity');
      assert.equal(player.leftWith, undefined, 'never left');
      assert.equal(player.match.host, 'services', 'the new room tells the same host');
      const seen = player.ticks.length;
      await until(() => player.ticks.length >= seen + 2, 'more snapshots');
      assert.ok(player.ticks.at(-1)! > ticks[i]!, 'the server tick went on');
    }
    await until(
      () => players.every((p, i) => p.match.ackedSequence > acked[i]! + 10),
      'inputs numbered on are acknowledged',
    );
    assert.deepEqual(moves, [], 'the match never moved');
    for (const player of players) {
      player.stop();
      assert.equal(await player.match.leave(), CloseCode.CONSENTED);
    }
  });

  it('rejoins with backoff while the gateway is still down after the reconnection gave up', async () => {
    const players = await twoPlayers(backend, {
      reconnection: { minUptimeMs: 0, maxRetries: 1, initialDelayMs: 50, maxDelayMs: 50 },
      rejoin: { initialDelayMs: 100, maxDelayMs: 400, maxAttempts: 20 },
    });
    await until(() => players.every((p) => p.match.ackedSequence >= 5), 'inputs acknowledged');
    await backend.killGateway();
    // Down long enough for the reconnection's one retry and some rejoin attempts to be refused.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await backend.startGateway();
    await until(() => players.every((p) => p.reseats === 1 && p.backAt !== undefined), 'both re-seated');
    for (const player of players) {
      player.stop();
      await player.match.leave();
    }
  });

  it('leaves with 4003 as before when the game turned rejoining off', async () => {
    const players = await twoPlayers(backend, { reconnection: { minUptimeMs: 0 }, rejoin: { enabled: false } });
    await until(() => players.every((p) => p.ticks.length > 0), 'snapshots');
    await backend.killGateway();
    await backend.startGateway();
    await until(() => players.every((p) => p.leftWith !== undefined), 'both left');
    for (const player of players) {
      player.stop();
      assert.equal(player.leftWith, CloseCode.FAILED_TO_RECONNECT);
      assert.equal(player.reseats, 0);
    }
  });
});

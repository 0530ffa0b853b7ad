// The SDK when the gateway its match's room lives on is SIGKILLed, with two gateways sharing matchmaking behind a
// load balancer that stops sending players to the dead one: the first reconnection attempt is refused, and the
// connection joins its match again through the balancer, on the other gateway, with its entity and its inputs
// numbered on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type GatewayId, RedisCluster } from '@packetflow/gateway/test-support';
import { NetworkProxy } from '@packetflow/testing';
import { type MatchConnection, PacketFlowClient } from '../src/index.js';
import { waiter } from './support/until.js';

/** The target from the kill to playing again. */
const BOUND_MS = 2000;

const until = waiter(20_000);

/** A player that keeps sending inputs and notes when it is back after a re-seat. */
class Player {
  reseatedAt: number | undefined;
  playingAt: number | undefined;
  leftWith: number | undefined;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(readonly match: MatchConnection) {
    match.onReseat(() => {
      this.reseatedAt = performance.now();
    });
    match.onSnapshot(() => {
      if (this.reseatedAt !== undefined) this.playingAt ??= performance.now();
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

describe('the SDK when its gateway is lost and another is up', () => {
  let cluster: RedisCluster;
  let balancer: NetworkProxy;
  let balancedTo: GatewayId = 'gateway-1';
  const portOf = (id: GatewayId) => Number(new URL(cluster.gateway(id).url).port);

  before(async () => {
    cluster = await RedisCluster.start({ gateways: 2 });
    balancer = await NetworkProxy.start(() => portOf(balancedTo));
  });

  after(async () => {
    await balancer?.close();
    await cluster?.close();
  });

  it('plays again through the other gateway well within 2 s, on its default reconnection schedule', async () => {
    const clients = [new PacketFlowClient(balancer.url), new PacketFlowClient(balancer.url)];
    for (const client of clients) await client.guest();
    const settings = { interpolate: false, reconnection: { minUptimeMs: 0 } };
    const first = await clients[0]!.joinOrCreate(settings);
    const second = await clients[1]!.join(first.matchId, settings);
    const players = [new Player(first), new Player(second)];
    await until(() => players.every((p) => p.match.ackedSequence >= 10), 'inputs acknowledged');
    const [one, two] = await Promise.all(
      (['gateway-1', 'gateway-2'] as const).map((id) => cluster.gatewayMetric(id, 'packetflow_gateway_rooms_active')),
    );
    const victim: GatewayId = one === 1 ? 'gateway-1' : 'gateway-2';
    assert.equal((one ?? 0) + (two ?? 0), 1, 'one room');
    const entities = players.map((p) => p.match.entity);
    const acked = players.map((p) => p.match.ackedSequence);

    balancedTo = victim === 'gateway-1' ? 'gateway-2' : 'gateway-1';
    const killedAt = performance.now();
    await cluster.signal(victim, 'SIGKILL');
    await until(() => players.every((p) => p.playingAt !== undefined), 'both playing again');
    const reseated = players.map((p) => Math.round(p.reseatedAt! - killedAt));
    const playing = players.map((p) => Math.round(p.playingAt! - killedAt));
    console.log(
      `figure: SIGKILL of ${victim}; the SDK re-seated through ${balancedTo} after ${reseated.join(', ')} ms, ` +
        `first snapshot after ${playing.join(', ')} ms (bound ${BOUND_MS} ms)`,
    );

    for (const [i, player] of players.entries()) {
      assert.equal(player.leftWith, undefined, 'never left');
      assert.equal(player.match.matchId, first.matchId, 'the same match');
      assert.equal(player.match.entity, entities[i], 'the same entity');
      assert.ok(player.match.ackedSequence >= acked[i]!, 'no acknowledged input undone');
      assert.ok(playing[i]! < BOUND_MS, `playing again ${playing[i]} ms after the kill`);
    }
    const now = players.map((p) => p.match.ackedSequence);
    await until(() => players.every((p, i) => p.match.ackedSequence > now[i]! + 10), 'inputs numbered on acknowledged');
    for (const player of players) {
      player.stop();
      await player.match.leave();
    }
  });
});

// Two gateways and two hosts of each service on a real redis-server: Redis membership, Redis stores, and Colyseus
// matchmaking shared through RedisPresence and RedisDriver, so a client matched by one gateway plays on the other.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Backend, startBackend } from '@packetflow/launcher';
import { RendezvousRouter } from '@packetflow/protocol';
import { NetworkProxy, RedisServer } from '@packetflow/testing';
import type { Bot } from './support/bots.js';
import {
  droppedBotsReconnect,
  forgedTokenRefused,
  fourBotsPlayOneMatch,
  hostileClientsCutOff,
} from './support/scenarios.js';

describe('two gateways and two hosts of each service on Redis', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'e2e-two-of-everything-'));
  let redis: RedisServer;
  let backend: Backend;
  const proxies: NetworkProxy[] = [];
  let bots: Bot[] = [];

  before(async () => {
    redis = await RedisServer.start();
    // Clients reach each gateway's rooms through a relay the test can cut: it is the address the gateway gives out.
    for (const i of [0, 1]) proxies.push(await NetworkProxy.start(() => backend.gateways[i]!.port));
    backend = await startBackend({
      gatewayPort: 0,
      dataDir,
      instances: { physics: 2, 'player-store': 2, 'game-logic': 2, gateway: 2 },
      env: { REDIS_URL: redis.url },
      nodes: Object.fromEntries(
        proxies.map((proxy, i) => [
          `gateway-${i + 1}`,
          { PACKETFLOW_GATEWAY_PUBLIC_ADDRESS: `127.0.0.1:${proxy.port}` },
        ]),
      ),
    });
  });

  after(async () => {
    await Promise.allSettled(bots.map((bot) => bot.match.leave()));
    await backend?.stop();
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('four bots matched through both gateways play one match and see their bodies move', async () => {
    bots = await fourBotsPlayOneMatch(backend.gateways.map((g) => g.url));
  });

  it('refuses a forged token at either gateway', async () => {
    for (const gateway of backend.gateways) await forgedTokenRefused(gateway.url);
  });

  it('cuts off hostile clients matched through the other gateway while the bots get every snapshot', () =>
    hostileClientsCutOff(backend.gateways[1]!.url, bots));

  // Every bot plays on the gateway that hosts the match, the half matched through the other one included.
  it('bots whose connections drop reconnect into their match', () =>
    droppedBotsReconnect(bots, () => {
      for (const proxy of proxies) proxy.cut();
    }));

  it('a match whose game-logic host is killed resumes on the other host, and the bots play on, told so', async () => {
    const { matchId } = bots[0]!.match;
    const hosts = ['game-logic-1', 'game-logic-2'].map((id) => ({ id, roles: ['match'] }));
    const owner = new RendezvousRouter(hosts).owner('match', matchId)!.id;
    const other = hosts.find((host) => host.id !== owner)!.id;
    for (const bot of bots) assert.equal(bot.match.host, owner, 'the gateway names the host at the join');
    const entities = bots.map((bot) => bot.match.entity);
    const victim = backend.process(owner);
    victim.signal('SIGKILL');
    await victim.exited;
    // The match comes back from its last checkpoint on the other host at its next packet; the gateway notices the
    // silence, joins its players again, and snapshots flow to the same bodies.
    await Promise.all(bots.map((bot) => bot.drive(1, 0, 10)));
    assert.deepEqual(
      bots.map((bot) => bot.match.entity),
      entities,
    );
    for (const bot of bots) assert.equal(bot.match.matchId, matchId);
    // The gateway tells the new host with the first snapshot from it, so the bots that played on have heard.
    for (const bot of bots) {
      assert.equal(bot.match.host, other);
      assert.deepEqual(bot.moves, [other], 'onHost fired once, with the host the match moved to');
    }
  });
});

// The other layouts the launcher offers: physics, player-store and game-logic hosted by one process with the gateway
// in another (`together`: matches ask their worlds and players without packets), and all of it in the gateway's
// process (`single`: rooms and matches also exchange inputs and snapshots in memory). Players must not see any
// difference: the same scenarios as one process per service.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Backend, startBackend } from '@packetflow/launcher';
import { NetworkProxy } from '@packetflow/testing';
import { Bot } from './support/bots.js';
import {
  droppedBotsReconnect,
  forgedTokenRefused,
  fourBotsPlayOneMatch,
  hostileClientsCutOff,
} from './support/scenarios.js';

const LAYOUTS = [
  { layout: 'together', processes: ['services', 'gateway'], words: 'the three services in one process' },
  { layout: 'single', processes: ['backend'], words: 'the whole backend in one process' },
] as const;

for (const { layout, processes, words } of LAYOUTS) {
  describe(`one machine, ${words}`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), `e2e-${layout}-`));
    let backend: Backend;
    let proxy: NetworkProxy;
    let bots: Bot[] = [];

    before(async () => {
      backend = await startBackend({ gatewayPort: 0, dataDir, layout });
      proxy = await NetworkProxy.start(() => backend.gateways[0]!.port);
    });

    after(async () => {
      await Promise.allSettled(bots.map((bot) => bot.match.leave()));
      await proxy?.close();
      await backend?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it(`runs as ${processes.join(' and ')}`, () => {
      assert.deepEqual(
        backend.processes.map((p) => p.name),
        [...processes],
      );
    });

    it('four bots on the SDK join one match and see their own bodies move the way their inputs say', async () => {
      bots = await fourBotsPlayOneMatch([backend.url]);
    });

    it('refuses a client with a forged token', () => forgedTokenRefused(backend.url));

    it('cuts off hostile clients while the others get every snapshot', () => hostileClientsCutOff(backend.url, bots));

    it('a client whose connection drops reconnects into its match', async () => {
      const viaProxy = await Bot.join(proxy.url, { matchId: bots[0]!.match.matchId });
      bots.push(viaProxy);
      await viaProxy.drive(1, 0, 3);
      await droppedBotsReconnect([viaProxy], () => proxy.cut());
    });
  });
}

// The whole backend in one process and one actor system (physics, matches, players), with the real gateway in
// front of it: what the gateway's tests run against. The end-to-end tests run the same parts as separate processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActorSystem, LmdbStore, type Logger } from '@packetflow/actors';
import { matchHost } from '@packetflow/game-logic';
import { initPhysics, PHYSICS_KIND, physicsRegistry, physicsWorldBehavior } from '@packetflow/physics';
import { LmdbPlayerStorage, PlayerClient, playerBehavior } from '@packetflow/player-store';
import { Registry } from 'prom-client';
import { type Gateway, type GatewayConfig, gatewayMetrics, loadConfig, startGateway } from '../../src/index.js';

export const TEST_SECRET = 'test-secret-0123456789abcdef';

/** Collects what the gateway logs, so tests can look at warnings without printing them. */
export class LogLines implements Logger {
  readonly lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  info(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, ...(fields ? { fields } : {}) });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, ...(fields ? { fields } : {}) });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, ...(fields ? { fields } : {}) });
  }
}

export interface InProcessBackend {
  readonly gateway: Gateway;
  readonly config: GatewayConfig;
  readonly system: ActorSystem;
  readonly players: PlayerClient;
  readonly log: LogLines;
  readonly url: string;
  /** The registry the gateway's metrics are in, labelled `node` as a node's is. */
  readonly metrics: Registry;
  close(): Promise<void>;
}

export async function inProcessBackend(env: Record<string, string> = {}): Promise<InProcessBackend> {
  await initPhysics();
  const dir = mkdtempSync(join(tmpdir(), 'gateway-test-'));
  const log = new LogLines();
  const system = await ActorSystem.start({ nodeId: 'gateway-test', logger: log });
  const storage = new LmdbPlayerStorage({ path: join(dir, 'players') });
  const store = LmdbStore.open({ path: join(dir, 'matches') });
  system.register(PHYSICS_KIND, physicsWorldBehavior());
  system.register('player', playerBehavior(storage));
  matchHost(system, { store, registry: physicsRegistry(), tickRate: 30, logger: log });
  const config = loadConfig({ PACKETFLOW_TOKEN_SECRET: TEST_SECRET, PACKETFLOW_GATEWAY_PORT: '0', ...env });
  const metrics = new Registry();
  metrics.setDefaultLabels({ node: 'gateway-test' });
  const gateway = await startGateway(config, { system, logger: log, metrics: gatewayMetrics(metrics) });
  return {
    gateway,
    config,
    system,
    players: new PlayerClient(system),
    log,
    url: `http://127.0.0.1:${gateway.port}`,
    metrics,
    async close() {
      await gateway.close();
      await system.shutdown();
      await store.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

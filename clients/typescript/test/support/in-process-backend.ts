// The whole backend in one process and one actor system (physics, matches, players) with the real gateway in front
// of it, as services/game-logic's together test hosts the services: what the SDK's integration tests connect to.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActorSystem, LmdbStore, type NodeLogger } from '@packetflow/actors';
import { matchHost } from '@packetflow/game-logic';
import { type Gateway, type GatewayConfig, loadConfig, startGateway } from '@packetflow/gateway';
import { initPhysics, PHYSICS_KIND, physicsRegistry, physicsWorldBehavior } from '@packetflow/physics';
import { LmdbPlayerStorage, playerBehavior } from '@packetflow/player-store';

export const TEST_SECRET = 'client-test-secret-0123456789';

/** Keeps what the backend logs, for a failing test to show, instead of printing JSON lines between results. */
export class LogLines implements NodeLogger {
  readonly lines: string[] = [];
  info(message: string, fields?: Record<string, unknown>): void {
    this.lines.push(`info ${message} ${JSON.stringify(fields ?? {})}`);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.lines.push(`warn ${message} ${JSON.stringify(fields ?? {})}`);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.lines.push(`error ${message} ${JSON.stringify(fields ?? {})}`);
  }
}

export interface InProcessBackend {
  readonly gateway: Gateway;
  readonly config: GatewayConfig;
  readonly log: LogLines;
  /** The gateway's HTTP base address. */
  readonly url: string;
  close(): Promise<void>;
}

export async function inProcessBackend(env: Record<string, string> = {}): Promise<InProcessBackend> {
  await initPhysics();
  const dir = mkdtempSync(join(tmpdir(), 'client-test-'));
  const log = new LogLines();
  const system = await ActorSystem.start({ nodeId: 'client-test', logger: log });
  const players = new LmdbPlayerStorage({ path: join(dir, 'players') });
  const store = LmdbStore.open({ path: join(dir, 'matches') });
  system.register(PHYSICS_KIND, physicsWorldBehavior());
  system.register('player', playerBehavior(players));
  matchHost(system, { store, registry: physicsRegistry(), tickRate: 30, logger: log });
  const config = loadConfig({ PACKETFLOW_TOKEN_SECRET: TEST_SECRET, PACKETFLOW_GATEWAY_PORT: '0', ...env });
  const gateway = await startGateway(config, { system, logger: log });
  return {
    gateway,
    config,
    log,
    url: `http://127.0.0.1:${gateway.port}`,
    async close() {
      await gateway.close();
      await system.shutdown();
      await store.close();
      await players.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The gateway as a process of its own in front of physics, matches and players hosted by the test's process as one
// cluster member: a test can SIGKILL the gateway and start it again with the same node id and ports, as a
// supervisor does, while the matches behind it live on.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbStore, type RunningNode, startNode } from '@packetflow/actors';
import { matchHost } from '@packetflow/game-logic';
import { initPhysics, PHYSICS_KIND, physicsLimits, physicsRegistry, physicsWorldBehavior } from '@packetflow/physics';
import { LmdbPlayerStorage, PlayerClient, playerBehavior, playerRegistry } from '@packetflow/player-store';
import { LogLines, TEST_SECRET } from './in-process-backend.js';

const CLUSTER_SECRET = 'gateway-process-cluster-secret-0123';
const GATEWAY_MAIN = new URL('../../src/main.js', import.meta.url).pathname;

/**
 * A loopback port nobody listens on, below the kernel's ephemeral range: the gateway's ports are free while it is
 * down, and a server another test binds to port 0 must not get one of them then (uWS listens with SO_REUSEPORT, so
 * the restarted gateway would share it rather than fail).
 */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
}

export interface GatewayProcessBackend {
  /** The gateway's HTTP address; the same across restarts. */
  readonly url: string;
  /** The gateway node's admin endpoint (/healthz, /readyz, /metrics) when asked for with `admin`. */
  readonly adminUrl: string | undefined;
  readonly players: PlayerClient;
  readonly services: RunningNode;
  readonly log: LogLines;
  /** Starts the gateway process and resolves once it listens, with the time it was spawned (performance.now()). */
  startGateway(): Promise<number>;
  /** SIGKILLs the gateway process and resolves once it is gone. */
  killGateway(): Promise<void>;
  close(): Promise<void>;
}

export async function gatewayProcessBackend(
  options: { rejoinWindowMs?: number; env?: Record<string, string>; admin?: boolean } = {},
): Promise<GatewayProcessBackend> {
  await initPhysics();
  const dir = mkdtempSync(join(tmpdir(), 'gateway-process-'));
  const [servicesPort, gatewayNodePort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
  const adminPort = options.admin ? await freePort() : undefined;
  const peers = `services=127.0.0.1:${servicesPort}/physics+player+match,gateway=127.0.0.1:${gatewayNodePort}`;
  const log = new LogLines();
  const storage = new LmdbPlayerStorage({ path: join(dir, 'players') });
  const store = LmdbStore.open({ path: join(dir, 'matches') });
  const registry = playerRegistry(physicsRegistry());
  const services = await startNode({
    env: { PACKETFLOW_NODE_ID: 'services', PACKETFLOW_PEERS: peers, PACKETFLOW_SECRET: CLUSTER_SECRET },
    register: (system) => {
      system.register(PHYSICS_KIND, physicsWorldBehavior());
      system.register('player', playerBehavior(storage));
      matchHost(system, {
        store,
        registry,
        tickRate: 30,
        logger: log,
        ...(options.rejoinWindowMs === undefined ? {} : { rejoinWindowMs: options.rejoinWindowMs }),
      });
    },
    registry,
    limits: physicsLimits,
    logger: log,
    handleSignals: false,
  });
  const env = {
    ...process.env,
    PACKETFLOW_NODE_ID: 'gateway',
    PACKETFLOW_PEERS: peers,
    PACKETFLOW_SECRET: CLUSTER_SECRET,
    PACKETFLOW_TOKEN_SECRET: TEST_SECRET,
    PACKETFLOW_GATEWAY_PORT: String(gatewayPort),
    PACKETFLOW_RATE_LIMIT_EXEMPT: '127.0.0.1',
    ...(adminPort === undefined ? {} : { PACKETFLOW_ADMIN_PORT: String(adminPort) }),
    ...options.env,
  };
  let gateway: ChildProcess | undefined;
  const output: string[] = [];

  const startGateway = (): Promise<number> => {
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, [GATEWAY_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    gateway = child;
    return new Promise((resolve, reject) => {
      let buffered = '';
      const onData = (chunk: Buffer): void => {
        buffered += chunk.toString();
        output.push(chunk.toString());
        if (buffered.includes('gateway listening')) resolve(spawnedAt);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${output.join('')}`)));
    });
  };

  const killGateway = async (): Promise<void> => {
    const child = gateway;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };

  await startGateway();
  return {
    url: `http://127.0.0.1:${gatewayPort}`,
    adminUrl: adminPort === undefined ? undefined : `http://127.0.0.1:${adminPort}`,
    players: new PlayerClient(services.system),
    services,
    log,
    startGateway,
    killGateway,
    async close() {
      await killGateway();
      await services.stop();
      await store.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

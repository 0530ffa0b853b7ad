// The whole backend as it runs in production, one process per member, on a real redis-server that holds the
// membership, the checkpoints, the players and the gateway's matchmaking: physics, the player store, two game-logic
// hosts and the gateway, each its service's own main. A test can SIGKILL, SIGSTOP or SIGCONT any of them, and kill
// and restart Redis.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, RedisServer } from '@packetflow/testing';
import { TEST_SECRET } from './in-process-backend.js';

const CLUSTER_SECRET = 'redis-cluster-test-secret-0123456789';
const ROOT = new URL('../../../../', import.meta.url).pathname;
const MAINS = {
  physics: join(ROOT, 'services', 'physics', 'dist', 'src', 'main.js'),
  'player-store': join(ROOT, 'services', 'player-store', 'dist', 'src', 'main.js'),
  'game-logic': join(ROOT, 'services', 'game-logic', 'dist', 'src', 'main.js'),
  gateway: join(ROOT, 'gateway', 'dist', 'src', 'main.js'),
} as const;

/** The members, by node id, and the service each runs. */
const MEMBERS = [
  ['physics-1', 'physics'],
  ['players-1', 'player-store'],
  ['logic-1', 'game-logic'],
  ['logic-2', 'game-logic'],
  ['gateway-1', 'gateway'],
] as const;
export type MemberId = (typeof MEMBERS)[number][0];

export interface Member {
  readonly child: ChildProcess;
  /** Every line the process wrote to stdout and stderr, as written. */
  readonly lines: string[];
  /** Resolves once the process said it is up. */
  readonly ready: Promise<void>;
}

export class RedisCluster {
  private constructor(
    readonly redis: RedisServer,
    /** The gateway's HTTP address. */
    readonly url: string,
    private readonly adminUrl: string,
    private readonly members: Map<MemberId, Member>,
    private readonly dir: string,
  ) {}

  static async start(): Promise<RedisCluster> {
    const redis = await RedisServer.start({ appendonly: true, appendfsync: 'always' });
    const dir = mkdtempSync(join(tmpdir(), 'gateway-redis-cluster-'));
    const [gatewayPort, adminPort] = [await freePort(), await freePort()];
    const common = {
      ...process.env,
      PACKETFLOW_SECRET: CLUSTER_SECRET,
      PACKETFLOW_CLUSTER: `gateway-test-${process.pid}-${gatewayPort}`,
      REDIS_URL: redis.url,
      PACKETFLOW_DATA_DIR: dir,
    };
    const gatewayEnv = {
      PACKETFLOW_TOKEN_SECRET: TEST_SECRET,
      PACKETFLOW_GATEWAY_PORT: String(gatewayPort),
      PACKETFLOW_ADMIN_PORT: String(adminPort),
      PACKETFLOW_RATE_LIMIT_EXEMPT: '127.0.0.1',
    };
    const members = new Map<MemberId, Member>();
    const cluster = new RedisCluster(
      redis,
      `http://127.0.0.1:${gatewayPort}`,
      `http://127.0.0.1:${adminPort}`,
      members,
      dir,
    );
    try {
      await Promise.all(
        MEMBERS.map(async ([id, service]) => {
          const env = { ...common, PACKETFLOW_NODE_ID: id, ...(service === 'gateway' ? gatewayEnv : {}) };
          const member = spawnMember(MAINS[service], env, service === 'gateway' ? 'gateway listening' : 'node started');
          members.set(id, member);
          await member.ready;
        }),
      );
      await cluster.untilGatewaySeesAll();
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  member(id: MemberId): Member {
    const member = this.members.get(id);
    if (member === undefined) throw new Error(`no member ${id}`);
    return member;
  }

  /** Sends a signal to a member; for SIGKILL, resolves once it is gone. */
  async signal(id: MemberId, signal: NodeJS.Signals): Promise<void> {
    const { child } = this.member(id);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = signal === 'SIGKILL' ? new Promise((resolve) => child.once('exit', resolve)) : undefined;
    child.kill(signal);
    await exited;
  }

  /** Lines the gateway wrote from `from` on (an index into its lines). */
  gatewayLines(from = 0): string[] {
    return this.member('gateway-1').lines.slice(from);
  }

  async close(): Promise<void> {
    for (const { child } of this.members.values()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await this.redis.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Every member registered and linked, as the gateway sees them: its routing is the one the test exercises. */
  private async untilGatewaySeesAll(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const text = await fetch(`${this.adminUrl}/metrics`).then(
        (response) => response.text(),
        () => '',
      );
      const live = /^packetflow_cluster_members_live(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1];
      if (Number(live) === MEMBERS.length) return;
      if (Date.now() > deadline)
        throw new Error(`the gateway sees ${live ?? 'no'} live members, not ${MEMBERS.length}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function spawnMember(main: string, env: NodeJS.ProcessEnv, readyLine: string): Member {
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const onLine = (line: string): void => {
      lines.push(line);
      if (line.includes(readyLine)) resolve();
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code, signal) =>
      reject(new Error(`${env.PACKETFLOW_NODE_ID} exited with ${signal ?? code}:\n${lines.join('\n')}`)),
    );
  });
  ready.catch(() => {});
  return { child, lines, ready };
}

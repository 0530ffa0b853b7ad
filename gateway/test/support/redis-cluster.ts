// The whole backend as it runs in production, one process per member, on a real redis-server that holds the
// membership, the checkpoints, the players and the gateways' matchmaking: physics, the player store, two game-logic
// hosts and one gateway (or two sharing matchmaking), each its service's own main. A test can SIGKILL, SIGSTOP or
// SIGCONT any of them, and kill and restart Redis.
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

/** The members, by node id, and the service each runs; the second gateway only when asked for. */
const MEMBERS = [
  ['physics-1', 'physics'],
  ['players-1', 'player-store'],
  ['logic-1', 'game-logic'],
  ['logic-2', 'game-logic'],
  ['gateway-1', 'gateway'],
  ['gateway-2', 'gateway'],
] as const;
export type MemberId = (typeof MEMBERS)[number][0];
export type GatewayId = 'gateway-1' | 'gateway-2';

/** A gateway's addresses: where clients connect, and its node's admin endpoint. */
export interface GatewayAddresses {
  readonly url: string;
  readonly adminUrl: string;
}

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
    readonly gateways: ReadonlyMap<GatewayId, GatewayAddresses>,
    private readonly members: Map<MemberId, Member>,
    private readonly memberIds: readonly MemberId[],
    private readonly dir: string,
  ) {}

  /** gateway-1's HTTP address. */
  get url(): string {
    return this.gateway('gateway-1').url;
  }

  gateway(id: GatewayId): GatewayAddresses {
    const addresses = this.gateways.get(id);
    if (addresses === undefined) throw new Error(`no ${id} in this cluster`);
    return addresses;
  }

  static async start(options: { gateways?: 1 | 2 } = {}): Promise<RedisCluster> {
    const redis = await RedisServer.start({ appendonly: true, appendfsync: 'always' });
    const dir = mkdtempSync(join(tmpdir(), 'gateway-redis-cluster-'));
    const gatewayIds: GatewayId[] = options.gateways === 2 ? ['gateway-1', 'gateway-2'] : ['gateway-1'];
    const ports = new Map<GatewayId, { gateway: number; admin: number }>();
    for (const id of gatewayIds) ports.set(id, { gateway: await freePort(), admin: await freePort() });
    const common = {
      ...process.env,
      PACKETFLOW_SECRET: CLUSTER_SECRET,
      PACKETFLOW_CLUSTER: `gateway-test-${process.pid}-${ports.get('gateway-1')!.gateway}`,
      REDIS_URL: redis.url,
      PACKETFLOW_DATA_DIR: dir,
    };
    const gatewayEnv = (id: GatewayId) => ({
      PACKETFLOW_TOKEN_SECRET: TEST_SECRET,
      PACKETFLOW_GATEWAY_PORT: String(ports.get(id)!.gateway),
      PACKETFLOW_ADMIN_PORT: String(ports.get(id)!.admin),
      PACKETFLOW_RATE_LIMIT_EXEMPT: '127.0.0.1',
    });
    const members = new Map<MemberId, Member>();
    const memberIds = MEMBERS.filter(
      ([id, service]) => service !== 'gateway' || gatewayIds.includes(id as GatewayId),
    ).map(([id]) => id);
    const gateways = new Map(
      [...ports].map(([id, { gateway, admin }]) => [
        id,
        { url: `http://127.0.0.1:${gateway}`, adminUrl: `http://127.0.0.1:${admin}` },
      ]),
    );
    const cluster = new RedisCluster(redis, gateways, members, memberIds, dir);
    try {
      await Promise.all(
        MEMBERS.filter(([id]) => memberIds.includes(id)).map(async ([id, service]) => {
          const env = {
            ...common,
            PACKETFLOW_NODE_ID: id,
            ...(service === 'gateway' ? gatewayEnv(id as GatewayId) : {}),
          };
          const member = spawnMember(MAINS[service], env, service === 'gateway' ? 'gateway listening' : 'node started');
          members.set(id, member);
          await member.ready;
        }),
      );
      for (const id of gatewayIds) await cluster.untilGatewaySeesAll(id);
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

  /** Lines a gateway wrote from `from` on (an index into its lines). */
  gatewayLines(from = 0, id: GatewayId = 'gateway-1'): string[] {
    return this.member(id).lines.slice(from);
  }

  /** One gauge or counter from a gateway's /metrics, summed over its label sets. */
  async gatewayMetric(id: GatewayId, name: string): Promise<number> {
    const text = await fetch(`${this.gateway(id).adminUrl}/metrics`).then((response) => response.text());
    let sum = 0;
    for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum += Number(match[1]);
    return sum;
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

  /** Every member registered and linked, as a gateway sees them: its routing is the one the test exercises. */
  private async untilGatewaySeesAll(id: GatewayId): Promise<void> {
    const deadline = Date.now() + 20_000;
    const expected = this.memberIds.length;
    for (;;) {
      const text = await fetch(`${this.gateway(id).adminUrl}/metrics`).then(
        (response) => response.text(),
        () => '',
      );
      const live = /^packetflow_cluster_members_live(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1];
      if (Number(live) === expected) return;
      if (Date.now() > deadline) throw new Error(`${id} sees ${live ?? 'no'} live members, not ${expected}`);
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

// The whole backend as infra/compose.yaml deploys it, one host per Compose service, each in its own network
// namespace: the same variables Compose gives each container (secrets replaced by random ones), the Compose host
// names resolved by each namespace's /etc/hosts, and Redis started with the Compose file's own command line.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clock, HostProcess } from './host-process.js';
import { type Host, makeHosts, removeAll, writeHostsFile } from './namespaces.js';

const run = promisify(execFile);
const ROOT = new URL('../../../../../', import.meta.url);
const fromRoot = (path: string): string => new URL(path, ROOT).pathname;

/** infra's built Compose reader, loaded by path: e2e does not depend on the infra package. */
interface ComposeReader {
  readonly COMPOSE_FILE: string;
  readonly ENV_EXAMPLE: string;
  readComposeDocument(path: string, variables: Record<string, string>): Promise<{ resolved: ComposeTree }>;
  listOrDict(value: unknown): Record<string, string>;
}
type ComposeTree = { readonly services: Record<string, { environment?: unknown; command?: unknown }> };
interface EnvFileReader {
  readEnvFile(file: string): Record<string, string>;
}

const ENTRIES: Record<string, string> = {
  gateway: 'gateway/dist/src/main.js',
  physics: 'services/physics/dist/src/main.js',
  'player-store': 'services/player-store/dist/src/main.js',
  'game-logic': 'services/game-logic/dist/src/main.js',
};

export const GAME_LOGIC = ['game-logic-1', 'game-logic-2'] as const;
export const GATEWAYS = ['gateway-1', 'gateway-2'] as const;

/** The port every node listens on for admin requests (metrics), as the Compose file sets it. */
const ADMIN_PORT = 9464;
/** The gateway's player port inside its container, which is its port on its namespace's address here. */
const GATEWAY_PORT = 2567;

const HOSTS = [
  { name: 'redis', octet: 10 },
  { name: 'physics', octet: 11 },
  { name: 'player-store', octet: 12 },
  { name: 'game-logic-1', octet: 21 },
  { name: 'game-logic-2', octet: 22 },
  { name: 'gateway-1', octet: 31 },
  { name: 'gateway-2', octet: 32 },
  { name: 'bots', octet: 40 },
];

/** The name bots reach matchmaking at: a stand-in for the load balancer in front of the gateways. */
export const BALANCED_GATEWAY = 'gateway';

export class HostCluster {
  /** Every process started, in order, the dead ones included: their lines are the run's logs. */
  readonly processes: HostProcess[] = [];
  private readonly running = new Map<string, HostProcess>();

  private constructor(
    readonly hosts: Map<string, Host>,
    private readonly environments: Map<string, NodeJS.ProcessEnv>,
    private readonly redisCommand: string[],
    readonly redisPassword: string,
    private readonly redisDir: string,
  ) {}

  static async start(): Promise<HostCluster> {
    const hosts = makeHosts(HOSTS, { [BALANCED_GATEWAY]: 'gateway-1' });
    // A test process that ends without its `after` (an uncaught error, process.exit) leaves no host running.
    process.once('exit', removeAll);
    const redisDir = mkdtempSync(join(tmpdir(), 'packetflow-hosts-redis-'));
    try {
      const secrets = {
        REDIS_PASSWORD: randomBytes(32).toString('hex'),
        PACKETFLOW_SECRET: randomBytes(32).toString('hex'),
        PACKETFLOW_TOKEN_SECRET: randomBytes(32).toString('hex'),
      };
      const compose = (await import(fromRoot('infra/dist/src/deploy/compose-file.js'))) as ComposeReader;
      const envFile = (await import(fromRoot('infra/dist/src/deploy/env-file.js'))) as EnvFileReader;
      const variables = { ...envFile.readEnvFile(compose.ENV_EXAMPLE), ...secrets };
      const { resolved } = await compose.readComposeDocument(compose.COMPOSE_FILE, variables);
      const environments = new Map<string, NodeJS.ProcessEnv>();
      for (const [name, service] of Object.entries(resolved.services)) {
        if (!hosts.has(name) || name === 'redis') continue;
        const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...compose.listOrDict(service.environment) };
        // Compose publishes each gateway on a port of the machine; here each has an address of its own.
        if (env.PACKETFLOW_GATEWAY_PUBLIC_ADDRESS !== undefined) {
          env.PACKETFLOW_GATEWAY_PUBLIC_ADDRESS = `${hosts.get(name)!.address}:${GATEWAY_PORT}`;
        }
        environments.set(name, env);
      }
      const command = (resolved.services.redis!.command as unknown[]).map(String);
      const cluster = new HostCluster(hosts, environments, command, secrets.REDIS_PASSWORD, redisDir);
      await cluster.startRedis();
      await Promise.all(['physics', 'player-store', ...GAME_LOGIC].map((name) => cluster.startNode(name)));
      await Promise.all(GATEWAYS.map((name) => cluster.startNode(name)));
      return cluster;
    } catch (error) {
      await HostCluster.removeEverything(redisDir);
      throw error;
    }
  }

  host(name: string): Host {
    return this.hosts.get(name)!;
  }

  process(name: string): HostProcess {
    const running = this.running.get(name);
    if (running === undefined) throw new Error(`${name} is not running`);
    return running;
  }

  /** Redis with the Compose file's command line (AOF, fsync every second, a password), bound to its address. */
  async startRedis(): Promise<void> {
    const redis = this.host('redis');
    const command = [...this.redisCommand, '--bind', redis.address, '--port', '6379', '--dir', this.redisDir];
    const started = this.launch('redis', command, { PATH: process.env.PATH });
    await started.waitFor((text) => text.includes('Ready to accept connections'), 'Redis ready line');
  }

  /** A PacketFlow node with its Compose environment; resolves once it says it is up. */
  async startNode(name: string): Promise<HostProcess> {
    const env = this.environments.get(name)!;
    const entry = fromRoot(ENTRIES[env.PACKETFLOW_SERVICE!]!);
    const started = this.launch(name, [process.execPath, entry], env);
    const ready = env.PACKETFLOW_SERVICE === 'gateway' ? '"gateway listening"' : '"node started"';
    await started.waitFor((text) => text.includes(ready), 'ready line');
    return started;
  }

  /** A program of the test's own in the `bots` namespace. */
  startBots(entry: string, env: NodeJS.ProcessEnv): HostProcess {
    return this.launch('bots', [process.execPath, entry], { PATH: process.env.PATH, ...env });
  }

  private launch(name: string, command: readonly string[], env: NodeJS.ProcessEnv): HostProcess {
    const started = new HostProcess(this.host(name), command, env);
    this.processes.push(started);
    this.running.set(name, started);
    return started;
  }

  /** SIGKILLs the host's program; returns when it was killed, on the shared clock. */
  async kill(name: string): Promise<number> {
    const victim = this.process(name);
    const at = clock();
    await victim.kill();
    this.running.delete(name);
    return at;
  }

  /** Points the bots' gateway name at another gateway, as a load balancer does once a gateway fails its checks. */
  balanceTo(gateway: string): void {
    writeHostsFile(this.host('bots'), this.hosts, { [BALANCED_GATEWAY]: gateway });
  }

  gatewayUrl(name: string): string {
    return `http://${name}:${GATEWAY_PORT}`;
  }

  /** One gauge or counter from a node's /metrics, summed over its label sets; undefined when it does not answer. */
  async metric(name: string, metric: string): Promise<number | undefined> {
    try {
      const response = await fetch(`http://${this.host(name).address}:${ADMIN_PORT}/metrics`, {
        signal: AbortSignal.timeout(1000),
      });
      return sumOf(await response.text(), metric);
    } catch {
      return undefined;
    }
  }

  /**
   * The metric as the node serves it to its own loopback: answers while the host is cut off from the test too.
   * A separate `node` in its namespace, so it is for slow polls.
   */
  async metricInside(name: string, metric: string): Promise<number | undefined> {
    const script =
      `fetch('http://127.0.0.1:${ADMIN_PORT}/metrics',{signal:AbortSignal.timeout(1000)})` +
      '.then((r)=>r.text()).then((t)=>process.stdout.write(t),()=>{})';
    try {
      const { stdout } = await run('ip', ['netns', 'exec', this.host(name).namespace, process.execPath, '-e', script], {
        timeout: 3000,
      });
      return sumOf(stdout, metric);
    } catch {
      return undefined;
    }
  }

  /** A Redis command from the test's namespace, with the password in the environment rather than the arguments. */
  async redis(...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-h', this.host('redis').address, ...args], {
      env: { PATH: process.env.PATH, REDISCLI_AUTH: this.redisPassword },
      timeout: 3000,
    });
    return stdout.trim();
  }

  /** Every line any PacketFlow node printed that is not a JSON object. */
  nonJsonLines(): string[] {
    return this.processes
      .filter((p) => p.host.name !== 'redis' && p.host.name !== 'bots')
      .flatMap((p) => p.lines.filter((line) => !isJsonObject(line.text)).map((line) => `${p.host.name}: ${line.text}`));
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((p) => p.kill()));
    this.running.clear();
    this.writeLogs();
    await HostCluster.removeEverything(this.redisDir);
  }

  /**
   * With PACKETFLOW_HOSTS_LOGS set to a folder, every host's lines go there, one file per host, each line stamped
   * with the shared clock: what happened around a fault is read from them, side by side.
   */
  private writeLogs(): void {
    const dir = process.env.PACKETFLOW_HOSTS_LOGS;
    if (dir === undefined || dir === '') return;
    mkdirSync(dir, { recursive: true });
    const byHost = new Map<string, string[]>();
    for (const line of this.processes.flatMap((p) => p.lines)) {
      const lines = byHost.get(line.host) ?? [];
      lines.push(`${line.at.toFixed(1)} ${line.stream === 'stderr' ? 'E ' : ''}${line.text}`);
      byHost.set(line.host, lines);
    }
    for (const [host, lines] of byHost) writeFileSync(join(dir, `${host}.log`), `${lines.join('\n')}\n`);
  }

  private static async removeEverything(redisDir: string): Promise<void> {
    removeAll();
    rmSync(redisDir, { recursive: true, force: true });
  }
}

function sumOf(text: string, metric: string): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${metric} `) || line.startsWith(`${metric}{`)) {
      sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

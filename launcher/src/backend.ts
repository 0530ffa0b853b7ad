// The whole backend on one machine: every service a process of its own, joined into one cluster (static membership
// on loopback, or Redis when REDIS_URL is given), the gateway in front.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.js';
import { leaderboardHost } from './leaderboard-host.js';
import { type LogLine, ServiceProcess } from './service-process.js';
import { LAYOUTS, type Layout, type ServiceName, type ServiceSpec } from './services.js';
import { type ChildSpec, Supervisor, type SupervisorOptions } from './supervision/supervisor.js';

export interface BackendOptions {
  /** Port of the first gateway; 2567 unless set, 0 for any free port. Further gateways take free ports. */
  readonly gatewayPort?: number;
  /** Where the embedded stores and the development token secret live: PACKETFLOW_DATA_DIR, else `./data`. */
  readonly dataDir?: string;
  /**
   * One process per service (`separate`, the default), the three services in one and the gateway apart
   * (`together`), or all of it in one process (`single`); see LAYOUTS.
   */
  readonly layout?: Layout;
  /** How many processes of each service; one each unless set (more than one gateway needs REDIS_URL). */
  readonly instances?: Partial<Record<ServiceName, number>>;
  /**
   * Variables for every service, over the launcher's own environment: REDIS_URL for Redis membership, stores and
   * matchmaking; PACKETFLOW_TICK_RATE, PACKETFLOW_RECONNECT_WINDOW_MS and the rest of each service's settings.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** Variables for one node only, by node id (`gateway`, or `gateway-2` with several instances), over `env`. */
  readonly nodes?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * Node flags for every service process, before its entry (kept across restarts): `--cpu-prof` and
   * `--cpu-prof-dir=<dir>` for the bench's profiles, `--inspect=0` to debug. None unless set.
   */
  readonly execArgv?: readonly string[];
  /**
   * Also run the Python leaderboard when /usr/bin/python3 can (see leaderboard-host.ts), as `npm start` does;
   * `Backend.leaderboardOff` says why not when it cannot.
   */
  readonly leaderboard?: boolean;
  /** Every line a service prints; nothing is printed unless set. */
  readonly onLine?: (line: LogLine) => void;
  /** How long each service may take to start (and to start again); 30 s unless set. */
  readonly startTimeoutMs?: number;
  /**
   * Restart a service that exits without being asked to, as `npm start` does: only that one, after a backoff, with
   * the same node id, ports and environment; past the restart budget (5 in 60 s unless set) every service is
   * stopped. Unset, a service that dies stays down: the end-to-end tests kill hosts to see the cluster fail over.
   */
  readonly supervision?: SupervisorOptions;
}

export interface GatewayAddress {
  readonly nodeId: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>`: where clients get tokens, matchmake and open their WebSocket. */
  readonly url: string;
}

/** Where a node's admin endpoint answers: `/healthz`, `/readyz` and `/metrics` under `url`. */
export interface AdminAddress {
  readonly nodeId: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
}

export interface Backend {
  /** The first gateway's URL. */
  readonly url: string;
  readonly gateways: readonly GatewayAddress[];
  /** Every Node service's admin endpoint (PACKETFLOW_ADMIN_PORT, a free port each, kept across restarts). */
  readonly admins: readonly AdminAddress[];
  /** Every node's process, the one running now after a restart. */
  readonly processes: readonly ServiceProcess[];
  /** The process of a node (`physics`, or `physics-2` with several instances), the one running now after a restart. */
  process(nodeId: string): ServiceProcess;
  /** Why the leaderboard asked for with `leaderboard` is not running, and how to turn it on; one line. */
  readonly leaderboardOff: string | undefined;
  /** Stops every service, gateways first; resolves once all have exited. */
  stop(): Promise<void>;
}

interface Node {
  readonly id: string;
  readonly spec: ServiceSpec;
  readonly clusterPort: number;
  readonly adminPort: number;
  readonly gatewayPort?: number;
}

const DEFAULT_GATEWAY_PORT = 2567;

/** The gateway's token secret for development: kept in the data directory so tokens survive a restart. */
function developmentTokenSecret(dataDir: string): string {
  const file = join(dataDir, 'gateway-token-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

async function planNodes(options: BackendOptions, services: readonly ServiceSpec[]): Promise<Node[]> {
  const nodes: Node[] = [];
  const first = options.gatewayPort ?? DEFAULT_GATEWAY_PORT;
  // A probed port is free only until the probe closes: the kernel may hand it out again to the next probe, and two
  // services told the same port fail the start.
  const planned = new Set<number>([first]);
  const port = async (): Promise<number> => {
    for (;;) {
      const free = await freePort();
      if (!planned.has(free)) {
        planned.add(free);
        return free;
      }
    }
  };
  for (const spec of services) {
    const count = options.instances?.[spec.name] ?? 1;
    for (let i = 0; i < count; i++) {
      const id = count === 1 ? spec.name : `${spec.name}-${i + 1}`;
      const clusterPort = await port();
      const adminPort = await port();
      if (spec.gateway !== true) {
        nodes.push({ id, spec, clusterPort, adminPort });
        continue;
      }
      const gatewayPort = i === 0 && first !== 0 ? first : await port();
      nodes.push({ id, spec, clusterPort, adminPort, gatewayPort });
    }
  }
  return nodes;
}

function nodeEnv(node: Node, nodes: readonly Node[], shared: NodeJS.ProcessEnv, own = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...shared,
    PACKETFLOW_ADMIN_PORT: String(node.adminPort),
    ...own,
    PACKETFLOW_NODE_ID: node.id,
  };
  if (shared.REDIS_URL) env.PACKETFLOW_PORT = String(node.clusterPort);
  else {
    env.PACKETFLOW_PEERS = nodes
      .map((n) => `${n.id}=127.0.0.1:${n.clusterPort}${n.spec.roles.length > 0 ? `/${n.spec.roles.join('+')}` : ''}`)
      .join(',');
  }
  if (node.gatewayPort !== undefined) env.PACKETFLOW_GATEWAY_PORT = String(node.gatewayPort);
  return env;
}

const ready = (spec: ServiceSpec) => (line: LogLine) =>
  line.json?.msg === (spec.gateway === true ? 'gateway listening' : 'node started');

/**
 * Starts the backend and resolves once every gateway listens. The cluster secret is new on every start; the token
 * secret is the one in the data directory (made on first start) unless PACKETFLOW_TOKEN_SECRET is given.
 */
export async function startBackend(options: BackendOptions = {}): Promise<Backend> {
  const dataDir = resolve(
    options.dataDir ?? options.env?.PACKETFLOW_DATA_DIR ?? (process.env.PACKETFLOW_DATA_DIR || 'data'),
  );
  mkdirSync(dataDir, { recursive: true });
  const shared: NodeJS.ProcessEnv = {
    ...process.env,
    PACKETFLOW_DATA_DIR: dataDir,
    PACKETFLOW_SECRET: randomBytes(24).toString('hex'),
    ...options.env,
  };
  shared.PACKETFLOW_TOKEN_SECRET ||= developmentTokenSecret(dataDir);
  const leaderboard = options.leaderboard ? leaderboardHost(shared) : undefined;
  // First, so that it stops last: the matches tell it the scores of the players they let go as they stop.
  const services: readonly ServiceSpec[] = [
    ...(leaderboard?.spec === undefined ? [] : [leaderboard.spec]),
    ...LAYOUTS[options.layout ?? 'separate'],
  ];
  const nodes = await planNodes(options, services);
  if (!shared.REDIS_URL && nodes.filter((n) => n.spec.gateway === true).length > 1) {
    throw new Error('several gateways share matchmaking through Redis: set REDIS_URL');
  }
  const onLine = options.onLine ?? (() => {});
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  // Groups stop in the reverse of their start: gateways first (players leave their matches), then game-logic (its
  // last checkpoints), then the rest.
  const supervisor = new Supervisor<ServiceProcess>(options.supervision);
  const childOf = (node: Node): ChildSpec<ServiceProcess> => {
    const env = nodeEnv(node, nodes, shared, { ...node.spec.command?.env, ...options.nodes?.[node.id] });
    return {
      id: node.id,
      group: node.spec.name,
      restart: options.supervision === undefined ? 'temporary' : 'permanent',
      spawn: () => new ServiceProcess(node.id, node.spec.command ?? node.spec.entry, env, onLine, options.execArgv),
      ready: (child) => child.waitFor(ready(node.spec), 'its ready line', timeoutMs),
    };
  };
  try {
    // The services together, then the gateways once every service they call is up.
    for (const stage of [nodes.filter((n) => n.spec.gateway !== true), nodes.filter((n) => n.spec.gateway === true)]) {
      await Promise.all(stage.map((node) => supervisor.start(childOf(node))));
    }
  } catch (error) {
    await supervisor.stop();
    throw error;
  }
  const gateways = nodes
    .filter((node) => node.gatewayPort !== undefined)
    .map((node) => ({ nodeId: node.id, port: node.gatewayPort!, url: `http://127.0.0.1:${node.gatewayPort}` }));
  return {
    url: gateways[0]!.url,
    gateways,
    admins: nodes
      .filter((node) => node.spec.command === undefined)
      .map((node) => ({ nodeId: node.id, url: `http://127.0.0.1:${node.adminPort}` })),
    leaderboardOff: leaderboard?.off,
    get processes() {
      return supervisor.processes;
    },
    process(nodeId) {
      if (!nodes.some((node) => node.id === nodeId)) {
        throw new Error(`no node ${nodeId}; nodes: ${nodes.map((node) => node.id).join(', ')}`);
      }
      return supervisor.process(nodeId);
    },
    stop: () => supervisor.stop(),
  };
}

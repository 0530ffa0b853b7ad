// The whole backend on one machine: every service a process of its own, joined into one cluster (static membership
// on loopback, or Redis when REDIS_URL is given), the gateway in front.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.js';
import { type LogLine, ServiceProcess } from './service-process.js';
import { LAYOUTS, type Layout, type ServiceName, type ServiceSpec } from './services.js';

export interface BackendOptions {
  /** Port of the first gateway; 2567 unless set, 0 for any free port. Further gateways take free ports. */
  readonly gatewayPort?: number;
  /** Where the embedded stores and the development token secret live: PACKETFLOW_DATA_DIR, else `./data`. */
  readonly dataDir?: string;
  /** One process per service (`separate`, the default), or the three services in one and the gateway apart. */
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
  /** Every line a service prints; nothing is printed unless set. */
  readonly onLine?: (line: LogLine) => void;
  /** How long each service may take to start; 30 s unless set. */
  readonly startTimeoutMs?: number;
}

export interface GatewayAddress {
  readonly nodeId: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>`: where clients get tokens, matchmake and open their WebSocket. */
  readonly url: string;
}

export interface Backend {
  /** The first gateway's URL. */
  readonly url: string;
  readonly gateways: readonly GatewayAddress[];
  readonly processes: readonly ServiceProcess[];
  /** The process of a node: `physics`, or `physics-2` with several instances. */
  process(nodeId: string): ServiceProcess;
  /** Stops every service, gateways first; resolves once all have exited. */
  stop(): Promise<void>;
}

interface Node {
  readonly id: string;
  readonly spec: ServiceSpec;
  readonly clusterPort: number;
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
  for (const spec of services) {
    const count = options.instances?.[spec.name] ?? 1;
    for (let i = 0; i < count; i++) {
      const id = count === 1 ? spec.name : `${spec.name}-${i + 1}`;
      const clusterPort = await freePort();
      if (spec.name !== 'gateway') {
        nodes.push({ id, spec, clusterPort });
        continue;
      }
      const first = options.gatewayPort ?? DEFAULT_GATEWAY_PORT;
      const gatewayPort = i === 0 && first !== 0 ? first : await freePort();
      nodes.push({ id, spec, clusterPort, gatewayPort });
    }
  }
  return nodes;
}

function nodeEnv(node: Node, nodes: readonly Node[], shared: NodeJS.ProcessEnv, own = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...shared, ...own, PACKETFLOW_NODE_ID: node.id };
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
  line.json?.msg === (spec.name === 'gateway' ? 'gateway listening' : 'node started');

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
  const services: readonly ServiceSpec[] = LAYOUTS[options.layout ?? 'separate'];
  const nodes = await planNodes(options, services);
  if (!shared.REDIS_URL && nodes.filter((n) => n.spec.name === 'gateway').length > 1) {
    throw new Error('several gateways share matchmaking through Redis: set REDIS_URL');
  }
  const onLine = options.onLine ?? (() => {});
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const started: { node: Node; process: ServiceProcess }[] = [];
  const stopAll = async () => {
    // Gateways first (players leave their matches), then game-logic (its last checkpoints), then the rest.
    for (const name of [...services].reverse().map((s) => s.name)) {
      await Promise.all(started.filter((s) => s.node.spec.name === name).map((s) => s.process.stop()));
    }
  };
  try {
    // The services together, then the gateways once every service they call is up.
    for (const stage of [
      nodes.filter((n) => n.spec.name !== 'gateway'),
      nodes.filter((n) => n.spec.name === 'gateway'),
    ]) {
      const processes = stage.map((node) => {
        const child = new ServiceProcess(
          node.id,
          node.spec.entry,
          nodeEnv(node, nodes, shared, options.nodes?.[node.id]),
          onLine,
        );
        started.push({ node, process: child });
        return { node, child };
      });
      await Promise.all(
        processes.map(({ node, child }) => child.waitFor(ready(node.spec), 'its ready line', timeoutMs)),
      );
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  const gateways = started
    .filter((s) => s.node.gatewayPort !== undefined)
    .map(({ node }) => ({ nodeId: node.id, port: node.gatewayPort!, url: `http://127.0.0.1:${node.gatewayPort}` }));
  let stopping: Promise<void> | undefined;
  return {
    url: gateways[0]!.url,
    gateways,
    processes: started.map((s) => s.process),
    process(nodeId) {
      const found = started.find((s) => s.node.id === nodeId);
      if (found === undefined) throw new Error(`no node ${nodeId}; nodes: ${started.map((s) => s.node.id).join(', ')}`);
      return found.process;
    },
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
}

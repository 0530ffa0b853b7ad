// The gateway as a process runs it: a cluster member configured from the environment (the node's PACKETFLOW_*
// variables, see @packetflow/actors' README, and the gateway's own, see this package's README), ready only while
// Colyseus takes players, closing its clients before it leaves the cluster. The gateway's own entry point hosts
// nothing else; a process may also host actor kinds of its own (the launcher's `single` layout runs the services in
// the gateway's process, so that a match and its rooms exchange messages without packets).
import {
  type Cluster,
  createLogger,
  exitWithParent,
  type Logger,
  type StartNodeOptions,
  startNode,
} from '@packetflow/actors';
import type { Limits, MessageRegistry } from '@packetflow/protocol';
import { loadConfig } from './config.js';
import { type Gateway, gatewayRegistry, startGateway } from './gateway.js';
import { gatewayMetrics } from './metrics/gateway-metrics.js';

export interface ServeOptions {
  /** Registers the actor kinds this process hosts beside the gateway's rooms; none unless set. */
  readonly register?: StartNodeOptions['register'];
  /** `gatewayRegistry()` unless set; a process hosting kinds of its own gives a registry with their messages. */
  readonly registry?: MessageRegistry;
  /** Limits on frames between nodes; the protocol's defaults unless set. */
  readonly limits?: Partial<Limits>;
  readonly logger?: Logger;
  /** What else the process needs to be ready besides the gateway taking players (a store its kinds write to). */
  readonly readiness?: StartNodeOptions['readiness'];
  /** Called once the node has joined its cluster, before the gateway starts. */
  readonly joined?: (cluster: Cluster) => void;
}

/** Starts the node and the gateway on it; resolves once it takes players (or exits the process when it cannot). */
export async function serveGateway(options: ServeOptions = {}): Promise<void> {
  const logger = options.logger ?? createLogger({ service: 'gateway' });
  const config = loadConfig();
  const registry = options.registry ?? gatewayRegistry();
  // Ready only while Colyseus takes players: an orchestrator that sends players on the node's readiness alone would
  // send them here between the join and the listen, and again while the gateway closes.
  let phase: 'not listening yet' | 'taking players' | 'closing' = 'not listening yet';
  const node = await startNode({
    register: options.register ?? (() => {}),
    ...(options.register === undefined ? { roles: [] } : {}),
    registry,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    logger,
    handleSignals: false,
    readiness: () =>
      phase !== 'taking players' ? { ready: false, reason: phase } : (options.readiness?.() ?? { ready: true }),
  });
  options.joined?.(node.cluster);
  // The gateway's metrics in the node's registry, served at the admin endpoint (PACKETFLOW_ADMIN_PORT) with the
  // node's.
  const metrics = gatewayMetrics(node.metrics);
  let gateway: Gateway | undefined;
  const closing = (): boolean => phase === 'closing';

  const stop = (signal: NodeJS.Signals | 'parent gone'): void => {
    if (phase === 'closing') {
      logger.warn('second signal: exiting without finishing the shutdown', { signal });
      process.exit(1);
    }
    phase = 'closing';
    logger.info('gateway stopping', { signal });
    // Clients first, so every player leaves its match and has its stats written while the cluster is still there.
    (gateway?.close() ?? Promise.resolve())
      .then(() => node.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('shutdown failed', { error });
          process.exit(1);
        },
      );
  };
  // Before the gateway starts: a supervisor that reads its ready line may signal at once, which must find these.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  exitWithParent(() => stop('parent gone'));

  gateway = await startGateway(config, {
    system: node.system,
    cluster: node.cluster,
    registry,
    logger,
    metrics,
  }).catch(async (error: unknown) => {
    logger.error('gateway did not start', { error: error instanceof Error ? error.message : String(error) });
    await node.stop();
    process.exit(1);
  });
  // A signal that came while it started has begun the shutdown already.
  if (!closing()) phase = 'taking players';
}

// The gateway service: a cluster member that hosts no actor kind of its own, only the pinned actors of its rooms,
// and the Colyseus server players connect to. Configured from the environment: the node's PACKETFLOW_* variables
// (see @packetflow/actors' README) and the gateway's own (see this package's README).
import { createLogger, exitWithParent, startNode } from '@packetflow/actors';
import { loadConfig } from './config.js';
import { type Gateway, gatewayRegistry, startGateway } from './gateway.js';
import { gatewayMetrics } from './metrics/gateway-metrics.js';

const logger = createLogger({ service: 'gateway' });
const config = loadConfig();
const registry = gatewayRegistry();
// Ready only while Colyseus takes players: an orchestrator that sends players on the node's readiness alone would
// send them here between the join and the listen, and again while the gateway closes.
let phase: 'not listening yet' | 'taking players' | 'closing' = 'not listening yet';
const node = await startNode({
  register: () => {},
  roles: [],
  registry,
  logger,
  handleSignals: false,
  readiness: () => (phase === 'taking players' ? { ready: true } : { ready: false, reason: phase }),
});
// The gateway's metrics in the node's registry, served at the admin endpoint (PACKETFLOW_ADMIN_PORT) with the node's.
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

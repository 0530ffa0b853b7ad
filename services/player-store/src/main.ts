// The player-store service alone: hosts the `player` actor kind, configured from the environment like any node
// (see @packetflow/actors' README, Running a node). Players are kept in Redis when REDIS_URL is set, else in LMDB
// under PACKETFLOW_DATA_DIR (./data unless set); guest records unused for PACKETFLOW_GUEST_RECORD_TTL_MS expire.
import { createLogger, startNode } from '@packetflow/actors';
import { PLAYER_KIND } from '@packetflow/protocol';
import { playerRegistry } from './messages.js';
import { playerMetrics } from './metrics/player-metrics.js';
import { playerBehavior } from './player.js';
import { playerStorageFromEnv } from './storage/from-env.js';

const logger = createLogger({ service: 'player-store' });
const storage = playerStorageFromEnv(process.env, logger);
logger.info('player storage open', {
  backend: storage.backend,
  guestTtlMs: storage.guestTtlMs,
  ...('path' in storage ? { path: storage.path } : {}),
});
await startNode({
  register: (system, { metrics }) =>
    system.register(PLAYER_KIND, playerBehavior(storage, { metrics: playerMetrics(metrics) })),
  registry: playerRegistry(),
  logger,
  readiness: () => storage.readiness(),
});

// The game-logic service alone: hosts `match` actors, which step their worlds on the physics service and write
// checkpoints to the store (Redis with REDIS_URL, else LMDB under ./data). Configured from the environment like any
// node (see @packetflow/actors' README, "Running a node"); PACKETFLOW_TICK_RATE sets the tick rate (30 by default).
import { createLogger, startNode, storeFromEnv, storeReadiness } from '@packetflow/actors';
import { physicsLimits, physicsRegistry } from '@packetflow/physics';
import { playerRegistry } from '@packetflow/player-store';
import { matchNode } from './match-node.js';
import { tickRateFromEnv } from './tick/tick-rate-from-env.js';

const store = storeFromEnv({ namespace: 'game-logic' });
// Matches step their worlds on the physics service and report stranded players' stats to the player store.
const registry = playerRegistry(physicsRegistry());
// One logger for the node and its matches, so what a match logs (a stale match fenced, a failed checkpoint) is seen.
const logger = createLogger({ service: 'game-logic' });
const matches = matchNode({ store, registry, tickRate: tickRateFromEnv(), logger });
const node = await startNode({
  register: matches.register,
  registry,
  logger,
  limits: physicsLimits,
  readiness: storeReadiness(store),
});
matches.joined(node.cluster);

// Physics, player-store and game-logic hosted by one process: one node with all three roles. A match then asks its
// physics world and the players in the same process, with no packets between them; the gateway stays apart. The
// same code as the three services' own entry points, each of which hosts one role.
import { createLogger, startNode, storeFromEnv, storeReadiness } from '@packetflow/actors';
import { matchNode, tickRateFromEnv } from '@packetflow/game-logic';
import { initPhysics, PHYSICS_KIND, physicsLimits, physicsRegistry, physicsWorldBehavior } from '@packetflow/physics';
import { playerBehavior, playerRegistry, playerStorageFromEnv } from '@packetflow/player-store';
import { PLAYER_KIND } from '@packetflow/protocol';

const logger = createLogger({ service: 'services' });
await initPhysics();
const players = playerStorageFromEnv();
const store = storeFromEnv({ namespace: 'game-logic' });
const registry = playerRegistry(physicsRegistry());
const matches = matchNode({ store, registry, tickRate: tickRateFromEnv(), logger });
const node = await startNode({
  register: (system, hostNode) => {
    system.register(PHYSICS_KIND, physicsWorldBehavior());
    system.register(PLAYER_KIND, playerBehavior(players));
    matches.register(system, hostNode);
  },
  registry,
  limits: physicsLimits,
  logger,
  readiness: storeReadiness(store),
});
matches.joined(node.cluster);

// Physics, player-store and game-logic hosted by one process: one node with all three roles. A match then asks its
// physics world and the players in the same process, with no packets between them; the gateway stays apart. The
// same code as the three services' own entry points, each of which hosts one role.
import { createLogger, startNode, storeFromEnv } from '@packetflow/actors';
import { matchHost, tickRateFromEnv } from '@packetflow/game-logic';
import { initPhysics, PHYSICS_KIND, physicsLimits, physicsRegistry, physicsWorldBehavior } from '@packetflow/physics';
import { playerBehavior, playerRegistry, playerStorageFromEnv } from '@packetflow/player-store';
import { PLAYER_KIND } from '@packetflow/protocol';

const logger = createLogger({ service: 'services' });
const tickRate = tickRateFromEnv();
await initPhysics();
const players = playerStorageFromEnv();
const store = storeFromEnv({ namespace: 'game-logic' });
const registry = playerRegistry(physicsRegistry());
await startNode({
  register: (system) => {
    system.register(PHYSICS_KIND, physicsWorldBehavior());
    system.register(PLAYER_KIND, playerBehavior(players));
    matchHost(system, { store, registry, tickRate, logger });
  },
  registry,
  limits: physicsLimits,
  logger,
});

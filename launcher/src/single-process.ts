// The whole backend in one process: physics, player-store and game-logic hosted by the gateway's node. A match and
// the rooms of its players then exchange inputs and snapshots as messages in memory, with no packets, no socket
// and no second event loop between them: the cheapest way to run on one machine. Every actor still speaks the
// protocol, so a second node of any role can join this one's cluster. The same code as the services' own entry points.
import { createLogger, storeFromEnv, storeReadiness } from '@packetflow/actors';
import { matchNode, tickRateFromEnv } from '@packetflow/game-logic';
import { serveGateway } from '@packetflow/gateway';
import { initPhysics, PHYSICS_KIND, physicsLimits, physicsRegistry, physicsWorldBehavior } from '@packetflow/physics';
import { playerBehavior, playerRegistry, playerStorageFromEnv } from '@packetflow/player-store';
import { PLAYER_KIND } from '@packetflow/protocol';

const logger = createLogger({ service: 'backend' });
await initPhysics();
const players = playerStorageFromEnv();
const store = storeFromEnv({ namespace: 'game-logic' });
// Snapshots from a match on another node arrive decoded here (no pass-through): this node's own matches send theirs
// to other gateways as objects, which a pass-through registry could not encode.
const registry = playerRegistry(physicsRegistry());
const matches = matchNode({ store, registry, tickRate: tickRateFromEnv(), logger });
await serveGateway({
  register: (system, node) => {
    system.register(PHYSICS_KIND, physicsWorldBehavior());
    system.register(PLAYER_KIND, playerBehavior(players));
    matches.register(system, node);
  },
  registry,
  limits: physicsLimits,
  logger,
  readiness: storeReadiness(store),
  joined: matches.joined,
});

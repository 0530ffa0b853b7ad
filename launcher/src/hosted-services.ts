// Physics, player-store and game-logic hosted by one node: what the `together` and `single` layouts' processes add
// to their node, the same code as the three services' own entry points, each of which hosts one role.
import { type Cluster, createLogger, type StartNodeOptions, storeFromEnv, storeReadiness } from '@packetflow/actors';
import { matchNode, tickRateFromEnv } from '@packetflow/game-logic';
import { initPhysics, PHYSICS_KIND, physicsLimits, physicsRegistry, physicsWorldBehavior } from '@packetflow/physics';
import { playerBehavior, playerRegistry, playerStorageFromEnv } from '@packetflow/player-store';
import { PLAYER_KIND } from '@packetflow/protocol';

export interface HostedServices {
  readonly logger: ReturnType<typeof createLogger>;
  readonly registry: NonNullable<StartNodeOptions['registry']>;
  readonly limits: typeof physicsLimits;
  readonly register: StartNodeOptions['register'];
  readonly readiness: NonNullable<StartNodeOptions['readiness']>;
  /** Gives the matches the node's cluster, once the node has joined. */
  readonly joined: (cluster: Cluster) => void;
}

/** The three services for one node, configured from the environment as their own entry points are. */
export async function hostedServices(service: string): Promise<HostedServices> {
  const logger = createLogger({ service });
  await initPhysics();
  const players = playerStorageFromEnv();
  const store = storeFromEnv({ namespace: 'game-logic' });
  const registry = playerRegistry(physicsRegistry());
  const matches = matchNode({ store, registry, tickRate: tickRateFromEnv(), logger });
  return {
    logger,
    registry,
    limits: physicsLimits,
    register: (system, node) => {
      system.register(PHYSICS_KIND, physicsWorldBehavior());
      system.register(PLAYER_KIND, playerBehavior(players));
      matches.register(system, node);
    },
    readiness: storeReadiness(store),
    joined: matches.joined,
  };
}

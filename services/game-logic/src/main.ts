// The game-logic service alone: hosts `match` actors, which step their worlds on the physics service and write
// checkpoints to the store (Redis with REDIS_URL, else LMDB under ./data). Configured from the environment like any
// node (see @packetflow/actors' README, "Running a node"); PACKETFLOW_TICK_RATE sets the tick rate (30 by default).
import { type Cluster, createLogger, startNode, storeFromEnv, storeReadiness } from '@packetflow/actors';
import { physicsLimits, physicsRegistry } from '@packetflow/physics';
import { playerRegistry } from '@packetflow/player-store';
import { matchHost } from './match-host.js';
import { matchMetrics } from './metrics/match-metrics.js';
import { tickRateFromEnv } from './tick/tick-rate-from-env.js';

const tickRate = tickRateFromEnv();
const store = storeFromEnv({ namespace: 'game-logic' });
// Matches step their worlds on the physics service and report stranded players' stats to the player store.
const registry = playerRegistry(physicsRegistry());
// One logger for the node and its matches, so what a match logs (a stale match fenced, a failed checkpoint) is seen.
const logger = createLogger({ service: 'game-logic' });
// The cluster exists once the node has joined; until then no match has a previous owner to wait for or hand to.
let cluster: Cluster | undefined;
let leaseListener: ((held: boolean) => void) | undefined;
const node = await startNode({
  register: (system, { metrics }) =>
    matchHost(system, {
      store,
      registry,
      tickRate,
      logger,
      metrics: matchMetrics(metrics),
      isLiveMember: (id) => cluster?.liveMembers().some((member) => member.id === id) ?? false,
      leaseHeld: () => cluster?.leaseHeld() ?? false,
      onLeaseChange: (listener) => {
        leaseListener = listener;
      },
    }),
  registry,
  logger,
  limits: physicsLimits,
  readiness: storeReadiness(store),
});
cluster = node.cluster;
if (leaseListener) cluster.onLeaseChange(leaseListener);

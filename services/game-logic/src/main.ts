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
/**
 * When this node's lease last came back after lapsing: its links to the others may still be coming up. Not at
 * start: the join waits for its links, and while it runs every node may hold (below).
 */
let leaseSince = Number.NEGATIVE_INFINITY;
const LINKS_SETTLE_MS = 5000;

/**
 * Whether a node may still be ticking a match this one is about to claim, so the claim waits for its hand-over. A
 * member this node has a link to, yes. One it cannot reach is taken to be gone (killed, or cut off and about to be
 * dropped, its lease lapsing), except in the first seconds after this node's own lease came back: then it is this
 * node that was cut off, its links are still redialing, and a registered member it cannot reach yet may well be
 * ticking what it wants. While it is still joining, any node may.
 */
function mayHold(id: string): boolean {
  // Still joining: matches routed here already, but the cluster cannot say yet who is live.
  if (cluster === undefined) return true;
  if (cluster.liveMembers().some((member) => member.id === id)) return true;
  return cluster.isRegistered(id) && performance.now() - leaseSince < LINKS_SETTLE_MS;
}
const node = await startNode({
  register: (system, { metrics }) =>
    matchHost(system, {
      store,
      registry,
      tickRate,
      logger,
      metrics: matchMetrics(metrics),
      holderMayTick: mayHold,
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
cluster.onLeaseChange((held) => {
  if (held) leaseSince = performance.now();
  leaseListener?.(held);
});

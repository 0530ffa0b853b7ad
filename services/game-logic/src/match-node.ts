// What a process hosting matches adds to its node, whichever process it is (game-logic alone, the services in one
// process, or the whole backend in one): the match kind with the host's metrics, and the cluster's view of who may
// still hold a match this node is about to claim, which it only has once the node has joined.
import type { Cluster, DurableStore, Logger, StartNodeOptions } from '@packetflow/actors';
import type { MessageRegistry } from '@packetflow/protocol';
import { matchHost } from './match-host.js';
import { matchMetrics } from './metrics/match-metrics.js';

/**
 * How long after this node's lease came back a member it cannot reach yet may still be ticking what it wants: its
 * links to the others may still be redialing.
 */
const LINKS_SETTLE_MS = 5000;

export interface MatchNodeOptions {
  readonly store: DurableStore;
  readonly registry: MessageRegistry;
  readonly tickRate: number;
  readonly logger: Logger;
}

export interface MatchNode {
  /** Registers the match kind; call it from the node's `register`. */
  readonly register: StartNodeOptions['register'];
  /** Gives the matches the node's cluster, once the node has joined. */
  joined(cluster: Cluster): void;
}

export function matchNode(options: MatchNodeOptions): MatchNode {
  // The cluster exists once the node has joined; until then no match has a previous owner to wait for or hand to.
  let cluster: Cluster | undefined;
  let leaseListener: ((held: boolean) => void) | undefined;
  /**
   * When this node's lease last came back after lapsing: its links to the others may still be coming up. Not at
   * start: the join waits for its links, and while it runs every node may hold (below).
   */
  let leaseSince = Number.NEGATIVE_INFINITY;

  /**
   * Whether a node may still be ticking a match this one is about to claim, so the claim waits for its hand-over. A
   * member this node has a link to, yes. One it cannot reach is taken to be gone (killed, or cut off and about to be
   * dropped, its lease lapsing), except in the first seconds after this node's own lease came back: then it is this
   * node that was cut off, its links are still redialing, and a registered member it cannot reach yet may well be
   * ticking what it wants. While it is still joining, any node may.
   */
  const mayHold = (id: string): boolean => {
    // Still joining: matches routed here already, but the cluster cannot say yet who is live.
    if (cluster === undefined) return true;
    if (cluster.liveMembers().some((member) => member.id === id)) return true;
    return cluster.isRegistered(id) && performance.now() - leaseSince < LINKS_SETTLE_MS;
  };

  return {
    register: (system, { metrics }) => {
      matchHost(system, {
        store: options.store,
        registry: options.registry,
        tickRate: options.tickRate,
        logger: options.logger,
        metrics: matchMetrics(metrics),
        holderMayTick: mayHold,
        leaseHeld: () => cluster?.leaseHeld() ?? false,
        onLeaseChange: (listener) => {
          leaseListener = listener;
        },
      });
    },
    joined(joinedCluster) {
      cluster = joinedCluster;
      cluster.onLeaseChange((held) => {
        if (held) leaseSince = performance.now();
        leaseListener?.(held);
      });
    },
  };
}

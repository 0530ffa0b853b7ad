import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Cluster } from '../cluster/cluster.js';
import type { PeerStats } from '../cluster/cluster-options.js';
import type { Runtime } from '../runtime.js';

/**
 * A node's own registry (several nodes can share a process, as in tests), every series labelled with the node id;
 * services register their metrics in it too.
 */
export function nodeRegistry(nodeId: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  return registry;
}

/** From a tenth of a millisecond (a local ask) to ten seconds (past any sensible deadline). */
const ASK_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Adds to a node's registry Node's default metrics and the counts the runtime and the cluster already keep, read
 * when scraped so that handling a message costs nothing more; only asks are timed as they end. `cluster` is
 * undefined until the node has joined.
 */
export function nodeMetrics(registry: Registry, runtime: Runtime, cluster: () => Cluster | undefined): void {
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  new Gauge({
    name: 'packetflow_actors_active',
    help: 'Live activations on this node, by actor kind',
    labelNames: ['kind'],
    registers,
    collect() {
      this.reset();
      for (const [kind, active] of runtime.activeActorsByKind()) this.set({ kind }, active);
    },
  });
  new Gauge({
    name: 'packetflow_mailbox_messages',
    help: 'Messages waiting in the mailboxes of this node, by actor kind, when scraped',
    labelNames: ['kind'],
    registers,
    collect() {
      this.reset();
      for (const { kind, queued } of runtime.mailboxDepthsByKind()) this.set({ kind }, queued);
    },
  });
  new Gauge({
    name: 'packetflow_mailbox_depth_max',
    help: 'Messages waiting in the deepest mailbox of each actor kind on this node, when scraped',
    labelNames: ['kind'],
    registers,
    collect() {
      this.reset();
      for (const { kind, deepest } of runtime.mailboxDepthsByKind()) this.set({ kind }, deepest);
    },
  });

  const asks = new Histogram({
    name: 'packetflow_ask_duration_seconds',
    help: 'Time from an ask to its reply or failure (timeouts included): scope local for asks answered by actors here, those from other nodes included; remote for asks sent to other nodes',
    labelNames: ['scope'],
    buckets: ASK_BUCKETS,
    registers,
  });
  asks.zero({ scope: 'local' });
  asks.zero({ scope: 'remote' });
  const byScope = { local: asks.labels({ scope: 'local' }), remote: asks.labels({ scope: 'remote' }) };
  runtime.observeAsks((scope, seconds) => byScope[scope].observe(seconds));

  new Gauge({
    name: 'packetflow_cluster_members',
    help: 'Members by state: live (registered, link open, this node included), suspected (registered, link down), leaving (said Leave)',
    labelNames: ['state'],
    registers,
    collect() {
      const members = cluster()?.membersByState() ?? { live: 0, suspected: 0, leaving: 0 };
      for (const [state, count] of Object.entries(members)) this.set({ state }, count);
    },
  });
  new Gauge({
    name: 'packetflow_cluster_peer_rtt_seconds',
    help: 'Round trip of the last heartbeat each peer answered',
    labelNames: ['peer'],
    registers,
    collect() {
      this.reset();
      for (const [peer, stats] of cluster()?.peerStats() ?? []) {
        if (stats.rttSeconds !== undefined) this.set({ peer }, stats.rttSeconds);
      }
    },
  });
  const perPeer = (name: string, help: string, field: keyof Omit<PeerStats, 'rttSeconds'>) =>
    new Counter({
      name,
      help,
      labelNames: ['peer'],
      registers,
      collect() {
        this.reset();
        for (const [peer, stats] of cluster()?.peerStats() ?? []) this.inc({ peer }, stats[field]);
      },
    });
  perPeer('packetflow_cluster_sent_frames_total', 'Frames written to the link to each peer', 'sentFrames');
  perPeer(
    'packetflow_cluster_sent_bytes_total',
    'Bytes of frames written to the link to each peer, length prefixes included',
    'sentBytes',
  );
  perPeer('packetflow_cluster_received_frames_total', 'Frames read from the link from each peer', 'receivedFrames');
  perPeer(
    'packetflow_cluster_received_bytes_total',
    'Bytes of frames read from the link from each peer, length prefixes included',
    'receivedBytes',
  );

  new Gauge({
    name: 'packetflow_cluster_members_live',
    help: 'Members that routing uses now (registered, link open), this node included; 0 before the join',
    registers,
    collect() {
      this.set(cluster()?.liveMembers().length ?? 0);
    },
  });

  const counter = (name: string, help: string, total: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        // The totals live in the stats objects; the counter only mirrors them.
        this.reset();
        this.inc(total());
      },
    });
  counter(
    'packetflow_messages_handled_total',
    'Messages taken from mailboxes: handled, or dropped (expired asks, no handler)',
    () => runtime.stats.messages,
  );
  counter('packetflow_dead_letters_total', 'Tells that could not be delivered', () => runtime.stats.deadLetters);
  counter(
    'packetflow_ask_timeouts_total',
    'Asks from this node that got no reply in time, to local and remote actors',
    () => runtime.stats.askTimeouts + (cluster()?.endpoint.stats.askTimeouts ?? 0),
  );
  counter(
    'packetflow_actor_restarts_total',
    'Actors restarted by their supervision policy',
    () => runtime.stats.restarts,
  );
  counter('packetflow_actor_stops_total', 'Actors stopped, idle deactivations not counted', () => runtime.stats.stops);
  counter('packetflow_cluster_link_up_total', 'Links to members that opened', () => cluster()?.stats.linksUp ?? 0);
  counter(
    'packetflow_cluster_link_down_total',
    'Open links to members that went down',
    () => cluster()?.stats.linksDown ?? 0,
  );
  counter(
    'packetflow_cluster_undeliverable_total',
    'Tells to other members dropped because their member was gone or its queue full',
    () => cluster()?.stats.undeliverable ?? 0,
  );
  counter(
    'packetflow_cluster_forwarded_total',
    'Packets from peers for actors another member owns, passed on to that owner (PROTOCOL.md §6)',
    () => cluster()?.stats.forwarded ?? 0,
  );
  counter(
    'packetflow_cluster_not_owned_total',
    'Packets from peers for actors another member owns, refused (asks) or dropped (PROTOCOL.md §6)',
    () => cluster()?.stats.notOwned ?? 0,
  );
}

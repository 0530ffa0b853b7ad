import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Cluster } from '../cluster/cluster.js';
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

/**
 * Adds to a node's registry Node's default metrics and the counts the runtime and the cluster already keep, read
 * when scraped so that handling a message costs nothing more. `cluster` is undefined until the node has joined.
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
}

import { randomBytes } from 'node:crypto';
import type { Limits, MessageRegistry } from '@packetflow/protocol';
import type { Registry } from 'prom-client';
import { AdminServer, type Readiness, type ReadinessCheck } from '../admin/admin-server.js';
import { nodeMetrics, nodeRegistry } from '../admin/node-metrics.js';
import type { Logger } from '../behavior.js';
import { Cluster } from '../cluster/cluster.js';
import { createLogger } from '../logging/logger.js';
import type { Membership } from '../membership/membership.js';
import { RedisMembership } from '../membership/redis-membership.js';
import { StaticMembership } from '../membership/static-membership.js';
import { ActorSystem, runtimeOf } from '../system.js';
import { type Env, type NodeConfig, readNodeConfig } from './node-config.js';

export interface StartNodeOptions {
  /**
   * Registers the behaviors this process can run; which of them it hosts is PACKETFLOW_ROLES (all unless set).
   * `metrics` is the node's registry, where a service adds its own metrics for the admin endpoint's /metrics.
   */
  register(system: ActorSystem, node: { readonly metrics: Registry }): void;
  /**
   * The kinds this node hosts when PACKETFLOW_ROLES (or its PACKETFLOW_PEERS entry) does not say: every registered
   * kind unless set. A node whose actors are all pinned (the gateway's rooms) hosts none: `[]`.
   */
  roles?: readonly string[];
  /** process.env unless set. */
  env?: Env;
  /** `createLogger({ service: 'node' })` unless set: JSON lines on stdout and stderr. */
  logger?: Logger;
  /** Codecs for every message that crosses nodes; the protocol's messages unless set. */
  registry?: MessageRegistry;
  /** Limits on frames between nodes (see ClusterOptions.limits); the protocol's defaults unless set. */
  limits?: Partial<Limits>;
  /**
   * On SIGTERM or SIGINT, or when the parent that started this process with an IPC channel goes away, leave the
   * cluster and exit; true unless set (false when several nodes share a process).
   */
  handleSignals?: boolean;
  /**
   * What else this node needs to do its work, e.g. `storeReadiness(store)`: the admin endpoint's /readyz answers 503
   * with its reason while it is not ready. Asked only once the node has joined the cluster.
   */
  readiness?: ReadinessCheck;
}

export interface RunningNode {
  readonly system: ActorSystem;
  readonly cluster: Cluster;
  readonly config: NodeConfig;
  /** The admin HTTP endpoint when PACKETFLOW_ADMIN_PORT is set. */
  readonly admin: AdminServer | undefined;
  /** The node's Prometheus registry, served at the admin endpoint's /metrics. */
  readonly metrics: Registry;
  /** Leaves the cluster gracefully (deregisters, drains mailboxes, closes connections). Idempotent. */
  stop(): Promise<void>;
}

/** One actor host configured from the environment: what every service's entry point is built on. */
export async function startNode(options: StartNodeOptions): Promise<RunningNode> {
  const config = readNodeConfig(options.env);
  const logger = options.logger ?? createLogger({ service: 'node', env: options.env });
  const system = await ActorSystem.start({ nodeId: config.nodeId, logger });
  const metrics = nodeRegistry(config.nodeId);
  options.register(system, { metrics });
  const roles = config.roles ?? options.roles ?? runtimeOf(system).kindNames;
  const unregistered = roles.filter((role) => !runtimeOf(system).kindNames.includes(role));
  if (unregistered.length > 0) {
    await system.shutdown();
    throw new Error(`this node should host ${unregistered.join(', ')}, but no behavior is registered for it`);
  }

  // The admin endpoint listens before the join so that an orchestrator sees a live process that is not ready yet.
  let phase: 'joining' | 'joined' | 'leaving' = 'joining';
  let joined: Cluster | undefined;
  const readiness = (): Readiness | Promise<Readiness> => {
    if (phase === 'joining') return { ready: false, reason: 'joining the cluster' };
    if (phase === 'leaving') return { ready: false, reason: 'leaving the cluster' };
    return options.readiness?.() ?? { ready: true };
  };
  let admin: AdminServer | undefined;
  if (config.admin !== undefined) {
    try {
      nodeMetrics(metrics, runtimeOf(system), () => joined);
      admin = await AdminServer.start({ ...config.admin, metrics, readiness });
    } catch (error) {
      await system.shutdown();
      throw error;
    }
  }

  const membership = membershipFor(config, logger);
  let cluster: Cluster;
  try {
    cluster = await Cluster.join(system, {
      // A cluster of one has no peer to share a secret with; a random one keeps its port closed to everyone.
      secret: config.secret?.reveal() ?? randomBytes(32),
      membership,
      roles,
      host: config.host,
      port: config.port,
      advertise: config.advertise,
      heartbeatMs: config.heartbeatMs,
      heartbeatMisses: config.heartbeatMisses,
      registry: options.registry,
      ...(options.limits ? { limits: options.limits } : {}),
      logger,
    });
  } catch (error) {
    await admin?.close();
    await system.shutdown();
    throw error;
  }
  joined = cluster;
  phase = 'joined';
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    phase = 'leaving';
    stopping ??= cluster.leave().then(async () => {
      await admin?.close();
      removeSignalHandlers();
      logger.info('node left');
    });
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals | 'parent gone') => {
    if (stopping) {
      logger.warn('second signal: exiting without finishing the leave', { signal });
      process.exit(1);
    }
    logger.info('node leaving', { signal });
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('leave failed', { error });
        process.exit(1);
      },
    );
  };
  const onParentGone = () => onSignal('parent gone');
  const removeSignalHandlers = () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('disconnect', onParentGone);
  };
  if (options.handleSignals ?? true) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    exitWithParent(onParentGone);
  }
  // Only now: a supervisor that reads this line may send SIGTERM at once, which must find the handler in place.
  logger.info('node started', {
    pid: process.pid,
    address: cluster.address,
    roles,
    membership: config.membership.kind,
    ...(config.membership.kind === 'redis' ? { cluster: config.membership.cluster } : {}),
    // Registered members, whether or not their links are up yet.
    members: membership.members().map((member) => member.id),
    ...(admin === undefined ? {} : { admin: admin.address }),
  });
  return { system, cluster, config, admin, metrics, stop };
}

/**
 * A supervisor that starts this process with an IPC channel (as `npm start` does) may die without a word, by
 * SIGKILL or a crash: the channel closing is then the only sign, and a node left running would hold its ports
 * against the supervisor's next start. The channel itself must not keep the process alive.
 */
export function exitWithParent(onParentGone: () => void): void {
  if (process.channel === undefined) return;
  process.channel.unref();
  process.once('disconnect', onParentGone);
}

function membershipFor(config: NodeConfig, logger: Logger): Membership {
  if (config.membership.kind === 'redis') {
    return new RedisMembership({ url: config.membership.url, cluster: config.membership.cluster, logger });
  }
  // Start times tell restarts apart when members come and go; a static view never changes, so 0 serves.
  const members = config.membership.peers.map(({ id, address, roles }) => ({ id, address, roles, startedAt: 0 }));
  return new StaticMembership(members, { logger });
}

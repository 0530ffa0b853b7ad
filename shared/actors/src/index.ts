export type { Address, Message } from '@packetflow/protocol';
export { ActorRef } from './actor-ref.js';
export { AdminServer, type Readiness, type ReadinessCheck } from './admin/admin-server.js';
export type {
  ActorContext,
  ActorSystemOptions,
  ActorSystemStats,
  AskOptions,
  Behavior,
  Down,
  DownReason,
  Handler,
  Handlers,
  Logger,
  MessageOfType,
  ShutdownOptions,
  SupervisionPolicy,
  SupervisionStrategy,
} from './behavior.js';
export { defineBehavior } from './behavior.js';
export { Cluster } from './cluster/cluster.js';
export type { ClusterOptions, ClusterStats, MembersByState, PeerStats } from './cluster/cluster-options.js';
export { ALWAYS, type EnvVariable, isVariableSet, type Requirement } from './config/env-variable.js';
export {
  type AdminAddress,
  type ConfigProblem,
  type Env,
  type MembershipConfig,
  type NodeConfig,
  NodeConfigError,
  readNodeConfig,
} from './config/node-config.js';
export { exitWithParent, type RunningNode, type StartNodeOptions, startNode } from './config/run-node.js';
export { Secret } from './config/secret.js';
export type { StaticPeer } from './config/static-peers.js';
export { ACTORS_VARIABLES } from './config/variables.js';
export {
  ActorError,
  type ActorErrorCode,
  ActorStoppedError,
  AskTimeoutError,
  HandlerError,
  NotOwnerError,
  PacketRefusedError,
  PeerDownError,
  PeerOverloadedError,
  RefusedError,
  SystemStoppedError,
  UnknownKindError,
  UnknownMessageError,
} from './errors.js';
export {
  componentLogger,
  createLogger,
  type LoggerOptions,
  type LogLevel,
  logLevelFromEnv,
} from './logging/logger.js';
export * from './membership/index.js';
export { type OutboundOptions, PacketEndpoint, type PacketEndpointOptions } from './packets/packet-endpoint.js';
export { type RetryOptions, type RetryPacing, retryUntilAnswered, worthRetrying } from './retry-until-answered.js';
export type { DurableStore } from './storage/durable-store.js';
export { LmdbStore, type LmdbStoreOptions } from './storage/lmdb-store.js';
export { RedisStore, type RedisStoreOptions } from './storage/redis-store.js';
export { type StoreFromEnvOptions, storeFromEnv } from './storage/store-from-env.js';
export { storeReadiness } from './storage/store-readiness.js';
export { ActorSystem } from './system.js';
export type { PeerTraffic } from './transport/transport-context.js';

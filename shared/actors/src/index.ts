export type { Address, Message } from '@packetflow/protocol';
export { ActorRef } from './actor-ref.js';
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
export {
  ActorError,
  type ActorErrorCode,
  ActorStoppedError,
  AskTimeoutError,
  HandlerError,
  PacketRefusedError,
  PeerDownError,
  PeerOverloadedError,
  SystemStoppedError,
  UnknownKindError,
  UnknownMessageError,
} from './errors.js';
export { Cluster } from './cluster/cluster.js';
export type { ClusterOptions, ClusterStats } from './cluster/cluster-options.js';
export * from './membership/index.js';
export { type OutboundOptions, PacketEndpoint, type PacketEndpointOptions } from './packets/packet-endpoint.js';
export { ActorSystem } from './system.js';

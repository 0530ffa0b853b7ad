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
  SystemStoppedError,
  UnknownKindError,
  UnknownMessageError,
} from './errors.js';
export { PacketEndpoint, type PacketEndpointOptions } from './packets/packet-endpoint.js';
export { ActorSystem } from './system.js';

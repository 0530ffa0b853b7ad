export type { BodyInputLike } from '@packetflow/protocol';
export { type PhysicsActorState, type PhysicsBehaviorOptions, physicsWorldBehavior } from './behavior.js';
export {
  DEFAULT_RAPIER_VARIANT,
  initPhysics,
  type PhysicsEngine,
  physicsEngine,
  RAPIER_VARIANTS,
  type Rapier,
  type RapierVariant,
} from './engine.js';
export {
  FIRST_PLAYER_ENTITY,
  FIRST_PROP_ENTITY,
  isPlayerEntity,
  isPropEntity,
  MAX_ENTITY,
  MAX_PROPS,
  NO_ENTITY,
} from './entities.js';
export {
  type JoinAcceptedMessage,
  PHYSICS_KIND,
  type PhysicsCloseMessage,
  type PhysicsMessage,
  PhysicsMessageTypes,
  type PhysicsRestoreMessage,
  type PhysicsResumeMessage,
  type PhysicsSnapshotMessage,
  type PhysicsStepResultMessage,
  type PhysicsTakeSnapshotMessage,
  physicsLimits,
  physicsMessages,
  physicsRegistry,
  registerPhysicsMessages,
  snapshotBytes,
} from './messages.js';
export { type PhysicsMetrics, physicsMetrics } from './metrics/physics-metrics.js';
export {
  BUTTON_JUMP,
  BUTTON_SPRINT,
  DEFAULT_WORLD_OPTIONS,
  PhysicsWorld,
  type PhysicsWorldOptions,
  type ResolvedWorldOptions,
} from './world.js';

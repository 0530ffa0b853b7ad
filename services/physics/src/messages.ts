import {
  checkpointCodec,
  createProtocolRegistry,
  Game,
  type JoinAcceptedMessage,
  type JoinMatchMessage,
  type LeaveMatchMessage,
  type Limits,
  type MatchCheckpointBody,
  type MessageRegistry,
  type PhysicsStepRequestMessage,
  type PhysicsStepResultMessage,
  tableCodec,
  type WireMessage,
} from '@packetflow/protocol';

/** The actor kind of physics worlds: one actor per match, its id the match id. */
export { PHYSICS_KIND } from '@packetflow/protocol';

/** Every message type a PhysicsWorld actor handles or replies with. */
export const PhysicsMessageTypes = {
  /** PhysicsStepRequest → PhysicsStepResult. */
  Step: 'PhysicsStepRequest',
  StepResult: 'PhysicsStepResult',
  /** JoinMatch → JoinAccepted (its `entity` is the player's body). */
  Join: 'JoinMatch',
  Joined: 'JoinAccepted',
  /** LeaveMatch → nothing (an Ack through a PacketEndpoint). */
  Leave: 'LeaveMatch',
  /** PhysicsTakeSnapshot (no fields) → PhysicsSnapshot. */
  TakeSnapshot: 'PhysicsTakeSnapshot',
  Snapshot: 'PhysicsSnapshot',
  /** PhysicsRestore → PhysicsStepResult: the world is replaced by the one in the bytes; `moved` is every body. */
  Restore: 'PhysicsRestore',
  /**
   * PhysicsResume (a PhysicsStepRequest table, no inputs) → PhysicsStepResult with every body, when the world's last
   * step is the request's tick; refused otherwise. A match that moves to another host without a world snapshot (a
   * planned hand-over) goes on with the world as it is only after this check.
   */
  Resume: 'PhysicsResume',
  /** PhysicsClose (no fields) → nothing: the world is freed and the actor stops. */
  Close: 'PhysicsClose',
} as const;

/** Asks for the world's snapshot. */
export type PhysicsTakeSnapshotMessage = WireMessage<'PhysicsTakeSnapshot', undefined>;
/**
 * A world's snapshot, on the MatchCheckpoint table: `matchId`, `tick` (the last step's tick, 0 before the first)
 * and `physics` (the snapshot bytes, self-contained); `players` is left empty.
 */
export type PhysicsSnapshotMessage = WireMessage<'PhysicsSnapshot', MatchCheckpointBody>;
/** Replaces a world by the one in `physics` (snapshot bytes), on the MatchCheckpoint table like PhysicsSnapshot. */
export type PhysicsRestoreMessage = WireMessage<'PhysicsRestore', MatchCheckpointBody>;
/** Checks that the world stands at `tick` (its last step's) and asks for every body's transform. */
export type PhysicsResumeMessage = WireMessage<'PhysicsResume', Game.PhysicsStepRequestT>;
/** Frees the world and stops its actor; the next message to the match starts a fresh world. */
export type PhysicsCloseMessage = WireMessage<'PhysicsClose', undefined>;

/** What a PhysicsWorld actor accepts. */
export type PhysicsMessage =
  | PhysicsStepRequestMessage
  | JoinMatchMessage
  | LeaveMatchMessage
  | PhysicsTakeSnapshotMessage
  | PhysicsRestoreMessage
  | PhysicsResumeMessage
  | PhysicsCloseMessage;

export type { JoinAcceptedMessage, PhysicsStepResultMessage };

/**
 * Limits a registry needs for physics snapshots to cross the wire: a 40-body world's snapshot is ~75 KB,
 * more than the protocol's default 16 Ki-element vector limit, so both ends must raise it.
 */
export const physicsLimits: Readonly<Partial<Limits>> = Object.freeze({
  maxVectorLength: 1024 * 1024,
  maxBodyBytes: 1024 * 1024,
  maxFrameBytes: 4 * 1024 * 1024,
});

function validateSnapshotBody(body: MatchCheckpointBody): string | undefined {
  return body.physics.length === 0 ? 'physics snapshot bytes are required' : undefined;
}

/**
 * Adds the physics service's own message types to a registry (the step, join and leave messages are the protocol's
 * and already in `createProtocolRegistry()`). Types already registered are left as they are, so several services
 * sharing one registry may each call it.
 */
export function registerPhysicsMessages(registry: MessageRegistry): MessageRegistry {
  if (!registry.has(PhysicsMessageTypes.TakeSnapshot)) registry.registerEmpty(PhysicsMessageTypes.TakeSnapshot);
  if (!registry.has(PhysicsMessageTypes.Snapshot)) {
    registry.register(checkpointCodec(PhysicsMessageTypes.Snapshot, validateSnapshotBody));
  }
  if (!registry.has(PhysicsMessageTypes.Restore)) {
    registry.register(checkpointCodec(PhysicsMessageTypes.Restore, validateSnapshotBody));
  }
  if (!registry.has(PhysicsMessageTypes.Resume)) {
    registry.register(tableCodec('PhysicsStepRequest', Game.PhysicsStepRequest, undefined, PhysicsMessageTypes.Resume));
  }
  if (!registry.has(PhysicsMessageTypes.Close)) registry.registerEmpty(PhysicsMessageTypes.Close);
  return registry;
}

/** The protocol's registry plus the physics messages, with `physicsLimits` unless other limits are given. */
export function physicsRegistry(limits: Partial<Limits> = physicsLimits): MessageRegistry {
  return registerPhysicsMessages(createProtocolRegistry(limits));
}

/** Message constructors, so callers need not remember table field order. */
export const physicsMessages = {
  step(matchId: string, tick: number, inputs: Game.BodyInputT[]): PhysicsStepRequestMessage {
    return { type: 'PhysicsStepRequest', body: new Game.PhysicsStepRequestT(matchId, tick, inputs) };
  },
  input(entity: number, moveX: number, moveY: number, buttons = 0): Game.BodyInputT {
    return new Game.BodyInputT(entity, new Game.Vec2T(moveX, moveY), buttons);
  },
  join(matchId: string, playerId: string, displayName: string | null = null): JoinMatchMessage {
    return { type: 'JoinMatch', body: new Game.JoinMatchT(matchId, playerId, displayName) };
  },
  leave(matchId: string, playerId: string, reason = Game.LeaveReason.Left): LeaveMatchMessage {
    return { type: 'LeaveMatch', body: new Game.LeaveMatchT(matchId, playerId, reason) };
  },
  takeSnapshot: { type: 'PhysicsTakeSnapshot', body: undefined } as PhysicsTakeSnapshotMessage,
  restore(matchId: string, bytes: Uint8Array, tick = 0): PhysicsRestoreMessage {
    return { type: 'PhysicsRestore', body: { matchId, tick, players: [], physics: bytes } };
  },
  resume(matchId: string, tick: number): PhysicsResumeMessage {
    return { type: 'PhysicsResume', body: new Game.PhysicsStepRequestT(matchId, tick, []) };
  },
  close: { type: 'PhysicsClose', body: undefined } as PhysicsCloseMessage,
};

/** The snapshot bytes a PhysicsSnapshot (or PhysicsRestore) carries. */
export function snapshotBytes(message: PhysicsSnapshotMessage | PhysicsRestoreMessage): Uint8Array {
  return message.body.physics;
}

import type { ActorContext } from '@packetflow/actors';
import {
  type JoinAcceptedMessage,
  PHYSICS_KIND,
  type PhysicsMessage,
  type PhysicsSnapshotMessage,
  type PhysicsStepResultMessage,
  physicsMessages,
  snapshotBytes,
} from '@packetflow/physics';
import type { Game } from '@packetflow/protocol';

export { isPropEntity } from '@packetflow/physics';

// biome-ignore lint/suspicious/noExplicitAny: a match's context, whatever its state and message types
type AnyContext = ActorContext<any, any>;

/**
 * How a match talks to its PhysicsWorld actor (`physics/<matchId>`), wherever the cluster placed it: every call is
 * an ask, so a physics host that is gone fails the tick with a typed error instead of hanging it.
 */
export interface PhysicsPort {
  addPlayer(ctx: AnyContext, matchId: string, playerId: string): Promise<number>;
  removePlayer(ctx: AnyContext, matchId: string, playerId: string): Promise<void>;
  step(ctx: AnyContext, matchId: string, tick: number, inputs: Game.BodyInputT[]): Promise<Game.PhysicsStepResultT>;
  snapshot(ctx: AnyContext, matchId: string): Promise<Uint8Array>;
  /** Replaces the world by a snapshot's; answers every body's transform in it. */
  restore(ctx: AnyContext, matchId: string, world: Uint8Array, tick: number): Promise<Game.EntityTransformT[]>;
  /**
   * Goes on with the world as it stands, which must be at `tick` (else a RefusedError); answers every body's
   * transform. A match handed over without a world snapshot resumes so.
   */
  resume(ctx: AnyContext, matchId: string, tick: number): Promise<Game.EntityTransformT[]>;
}

export function actorPhysicsPort(timeoutMs = 1000): PhysicsPort {
  const world = (ctx: AnyContext, matchId: string) => ctx.system.ref<PhysicsMessage>(PHYSICS_KIND, matchId);
  const ask = <R>(ctx: AnyContext, matchId: string, message: PhysicsMessage) =>
    ctx.send<R, PhysicsMessage>(world(ctx, matchId), message, { timeoutMs });
  return {
    async addPlayer(ctx, matchId, playerId) {
      const reply = await ask<JoinAcceptedMessage>(ctx, matchId, physicsMessages.join(matchId, playerId));
      return reply.body.entity;
    },
    async removePlayer(ctx, matchId, playerId) {
      await ask(ctx, matchId, physicsMessages.leave(matchId, playerId));
    },
    async step(ctx, matchId, tick, inputs) {
      const reply = await ask<PhysicsStepResultMessage>(ctx, matchId, physicsMessages.step(matchId, tick, inputs));
      return reply.body;
    },
    async snapshot(ctx, matchId) {
      return snapshotBytes(await ask<PhysicsSnapshotMessage>(ctx, matchId, physicsMessages.takeSnapshot));
    },
    async restore(ctx, matchId, bytes, tick) {
      const reply = await ask<PhysicsStepResultMessage>(ctx, matchId, physicsMessages.restore(matchId, bytes, tick));
      return reply.body.moved;
    },
    async resume(ctx, matchId, tick) {
      const reply = await ask<PhysicsStepResultMessage>(ctx, matchId, physicsMessages.resume(matchId, tick));
      return reply.body.moved;
    },
  };
}

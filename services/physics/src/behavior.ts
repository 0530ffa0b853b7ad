import { type ActorContext, type Behavior, defineBehavior, RefusedError } from '@packetflow/actors';
import { Game } from '@packetflow/protocol';
import { type PhysicsEngine, physicsEngine } from './engine.js';
import type { PhysicsMessage, PhysicsSnapshotMessage, PhysicsStepResultMessage } from './messages.js';
import type { PhysicsMetrics } from './metrics/physics-metrics.js';
import { PhysicsWorld, type PhysicsWorldOptions } from './world.js';

export interface PhysicsBehaviorOptions {
  /** The Rapier engine worlds run on; the default engine (`await initPhysics()` first) unless set. */
  readonly engine?: PhysicsEngine;
  /** Options of every world, or per match id. `create('physics', options)` may override them for one world. */
  readonly world?: PhysicsWorldOptions | ((matchId: string) => PhysicsWorldOptions);
  /** A world with no message for this long is freed; 10 minutes unless set. */
  readonly idleTimeoutMs?: number;
  /** The host's physics metrics (`physicsMetrics(registry)`); none unless set. */
  readonly metrics?: PhysicsMetrics;
}

export interface PhysicsActorState {
  readonly matchId: string;
  world: PhysicsWorld;
}

function text(value: string | Uint8Array | null): string {
  if (value === null) return '';
  return typeof value === 'string' ? value : new TextDecoder().decode(value);
}

function sameMatch(ctx: ActorContext<PhysicsActorState, PhysicsMessage>, matchId: string | Uint8Array | null): void {
  const id = text(matchId);
  if (id !== ctx.state.matchId)
    throw new RefusedError(`message for match ${JSON.stringify(id)} sent to the physics world of ${ctx.state.matchId}`);
}

function everyBody(state: PhysicsActorState): PhysicsStepResultMessage {
  const { world } = state;
  return {
    type: 'PhysicsStepResult',
    body: new Game.PhysicsStepResultT(state.matchId, Math.max(0, world.lastTick), world.transforms()),
  };
}

/**
 * The `physics` actor kind: one PhysicsWorld per match (actor id = match id).
 *
 * A refused message is answered with a RefusedError and changes nothing. The world lives outside the actor's state,
 * so when a handler fails for another reason the runtime's restart re-runs `initial`, which finds the same world
 * again instead of resetting the match. A world is
 * freed when its actor goes idle, on PhysicsClose, or when it is replaced by PhysicsRestore.
 */
export function physicsWorldBehavior(
  options: PhysicsBehaviorOptions = {},
): Behavior<PhysicsActorState, PhysicsMessage, PhysicsWorldOptions> {
  const worlds = new Map<string, PhysicsWorld>();
  const metrics = options.metrics;
  const engineOf = () => options.engine ?? physicsEngine();
  const optionsFor = (matchId: string): PhysicsWorldOptions =>
    typeof options.world === 'function' ? options.world(matchId) : (options.world ?? {});

  return defineBehavior<PhysicsActorState, PhysicsMessage, PhysicsWorldOptions>({
    initial: (matchId, init) => {
      let world = worlds.get(matchId);
      if (world === undefined) {
        world = PhysicsWorld.create(engineOf(), { ...optionsFor(matchId), ...init });
        worlds.set(matchId, world);
        metrics?.worldsActive.set(worlds.size);
      }
      return { matchId, world };
    },
    handlers: {
      PhysicsStepRequest: (msg, ctx) => {
        sameMatch(ctx, msg.body.matchId);
        const started = performance.now();
        const moved = ctx.state.world.step(msg.body.tick, msg.body.inputs);
        metrics?.stepDuration.observe((performance.now() - started) / 1000);
        return {
          type: 'PhysicsStepResult',
          body: new Game.PhysicsStepResultT(ctx.state.matchId, msg.body.tick, moved),
        };
      },
      JoinMatch: (msg, ctx) => {
        sameMatch(ctx, msg.body.matchId);
        const playerId = text(msg.body.playerId);
        const { world } = ctx.state;
        const entity = world.addPlayer(playerId);
        return {
          type: 'JoinAccepted',
          body: new Game.JoinAcceptedT(
            ctx.state.matchId,
            playerId,
            entity,
            Math.round(1 / world.options.dt),
            Math.max(0, world.lastTick),
          ),
        };
      },
      LeaveMatch: (msg, ctx) => {
        sameMatch(ctx, msg.body.matchId);
        ctx.state.world.removePlayer(text(msg.body.playerId));
      },
      PhysicsTakeSnapshot: (_msg, ctx): PhysicsSnapshotMessage => {
        const { world } = ctx.state;
        const bytes = world.snapshot();
        return {
          type: 'PhysicsSnapshot',
          body: { matchId: ctx.state.matchId, tick: Math.max(0, world.lastTick), players: [], physics: bytes },
        };
      },
      // Every body, not only what moved: the match resuming on it knows none of them yet, and its first full
      // snapshot must hold the props at rest too.
      PhysicsRestore: (msg, ctx) => {
        sameMatch(ctx, msg.body.matchId);
        const restored = PhysicsWorld.restore(ctx.state.world.engine, msg.body.physics);
        ctx.state.world.free();
        ctx.state.world = restored;
        worlds.set(ctx.state.matchId, restored);
        return everyBody(ctx.state);
      },
      PhysicsResume: (msg, ctx) => {
        sameMatch(ctx, msg.body.matchId);
        const { world } = ctx.state;
        if (Math.max(0, world.lastTick) !== msg.body.tick) {
          throw new RefusedError(
            `the physics world of ${ctx.state.matchId} stands at tick ${world.lastTick}, not ${msg.body.tick}`,
          );
        }
        return everyBody(ctx.state);
      },
      PhysicsClose: (_msg, ctx) => {
        ctx.state.world.free();
        worlds.delete(ctx.state.matchId);
        metrics?.worldsActive.set(worlds.size);
        ctx.stop();
      },
    },
    supervision: { strategy: 'restart', maxRestarts: 1000, withinMs: 1000 },
    idleTimeoutMs: options.idleTimeoutMs ?? 10 * 60_000,
    onDeactivate: (state, matchId) => {
      state.world.free();
      if (worlds.get(matchId) === state.world) worlds.delete(matchId);
      metrics?.worldsActive.set(worlds.size);
    },
  });
}

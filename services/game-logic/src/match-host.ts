import type { ActorSystem, DurableStore, Logger } from '@packetflow/actors';
import { MATCH_KIND, type MessageRegistry } from '@packetflow/protocol';
import { matchBehavior } from './match/match-behavior.js';
import { actorPhysicsPort } from './match/physics-port.js';
import type { ModeRules } from './match/rules/modes.js';
import type { MatchMetrics } from './metrics/match-metrics.js';
import { DEFAULT_TICK_PHASES, TickScheduler } from './tick/tick-scheduler.js';

/** The actor kind of matches: one actor per match, its id the match id. */
export { MATCH_KIND };

export interface MatchHostOptions {
  readonly store: DurableStore;
  readonly registry: MessageRegistry;
  /** Ticks per second for every match on this host; 30 unless set. */
  readonly tickRate?: number;
  readonly checkpointEveryTicks?: number;
  /** Ticks between checkpoints that hold the physics world (see MatchOptions.worldCheckpointEveryTicks). */
  readonly worldCheckpointEveryTicks?: number;
  /** How long players whose gateway died keep their seats (see MatchOptions.rejoinWindowMs); 30 s unless set. */
  readonly rejoinWindowMs?: number;
  readonly logger?: Logger;
  /** The host's match metrics (`matchMetrics(registry)`); none unless set. */
  readonly metrics?: MatchMetrics;
  /** Deadline of each store call a match makes (see MatchOptions.storeTimeoutMs); 3 s unless set. */
  readonly storeTimeoutMs?: number;
  /** How long a tick may stay unsettled before its ticker ends (see MatchOptions.staleTickMs); 10 s unless set. */
  readonly staleTickMs?: number;
  /** Whether a node holding a match's claim may still tick it (see MatchOptions.holderMayTick); none unless set. */
  readonly holderMayTick?: (node: string) => boolean;
  /** Whether this node's membership lease holds (see MatchOptions.leaseHeld); held unless set. */
  readonly leaseHeld?: () => boolean;
  /** The rules of each game mode (see MatchOptions.rules); `touch` and `king` unless set. */
  readonly rules?: ModeRules;
  /** Subscribes to this node's membership lease (see MatchOptions.onLeaseChange); none unless set. */
  readonly onLeaseChange?: (listener: (held: boolean) => void) => void;
}

/**
 * Registers the match kind on a system with one tick scheduler for all its matches; returns the scheduler. The
 * registry gets the match's own message types, so a node hosting matches decodes them whoever built its registry.
 */
export function matchHost(system: ActorSystem, options: MatchHostOptions): TickScheduler {
  const scheduler = new TickScheduler(
    options.tickRate ?? 30,
    (error) => options.logger?.error('a match tick failed', { error: String(error) }),
    DEFAULT_TICK_PHASES,
    options.metrics,
  );
  system.register(
    MATCH_KIND,
    matchBehavior({
      scheduler,
      store: options.store,
      physics: actorPhysicsPort(),
      registry: options.registry,
      ...(options.rejoinWindowMs === undefined ? {} : { rejoinWindowMs: options.rejoinWindowMs }),
      ...(options.checkpointEveryTicks === undefined ? {} : { checkpointEveryTicks: options.checkpointEveryTicks }),
      ...(options.worldCheckpointEveryTicks === undefined
        ? {}
        : { worldCheckpointEveryTicks: options.worldCheckpointEveryTicks }),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.storeTimeoutMs === undefined ? {} : { storeTimeoutMs: options.storeTimeoutMs }),
      ...(options.staleTickMs === undefined ? {} : { staleTickMs: options.staleTickMs }),
      ...(options.holderMayTick ? { holderMayTick: options.holderMayTick } : {}),
      ...(options.leaseHeld ? { leaseHeld: options.leaseHeld } : {}),
      ...(options.onLeaseChange ? { onLeaseChange: options.onLeaseChange } : {}),
      ...(options.rules ? { rules: options.rules } : {}),
    }),
  );
  return scheduler;
}

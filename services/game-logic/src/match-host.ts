import type { ActorSystem, DurableStore, Logger } from '@packetflow/actors';
import type { MessageRegistry } from '@packetflow/protocol';
import { matchBehavior } from './match/match-behavior.js';
import { actorPhysicsPort } from './match/physics-port.js';
import { TickScheduler } from './tick/tick-scheduler.js';

/** The actor kind of matches: one actor per match, its id the match id. */
export const MATCH_KIND = 'match';

export interface MatchHostOptions {
  readonly store: DurableStore;
  readonly registry: MessageRegistry;
  /** Ticks per second for every match on this host; 30 unless set. */
  readonly tickRate?: number;
  readonly checkpointEveryTicks?: number;
  readonly logger?: Logger;
}

/** Registers the match kind on a system with one tick scheduler for all its matches; returns the scheduler. */
export function matchHost(system: ActorSystem, options: MatchHostOptions): TickScheduler {
  const scheduler = new TickScheduler(options.tickRate ?? 30, (error) =>
    options.logger?.error('a match tick failed', { error: String(error) }),
  );
  system.register(
    MATCH_KIND,
    matchBehavior({
      scheduler,
      store: options.store,
      physics: actorPhysicsPort(),
      registry: options.registry,
      ...(options.checkpointEveryTicks === undefined ? {} : { checkpointEveryTicks: options.checkpointEveryTicks }),
      ...(options.logger ? { logger: options.logger } : {}),
    }),
  );
  return scheduler;
}

import type { MatchState, PlayerState } from '../match-state.js';

/** Where a match is in time when its rules run. */
export interface RuleClock {
  /** The match's tick just stepped. */
  readonly tick: number;
  /** Ticks per second. */
  readonly rateHz: number;
}

/**
 * One rule of a game mode: after every tick's physics step the match runs its rules in order, each reading the
 * match (players, the transforms physics reported) and changing players' scores. A rule keeps what it must remember
 * between ticks itself, one rule object per match (a mode makes them fresh for each match).
 */
export interface MatchRule {
  onTick(match: MatchState, clock: RuleClock): void;
  /** A player left the match: forget what the rule held about them. */
  onLeave?(match: MatchState, player: PlayerState): void;
}

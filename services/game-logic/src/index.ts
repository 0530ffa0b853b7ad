export { InputQueue, type InputStats } from './match/input-queue.js';
export { recordScore } from './match/leaderboard.js';
export { type MatchOptions, matchBehavior } from './match/match-behavior.js';
export {
  checkpointKey,
  type FindSeatMessage,
  handOverKey,
  type MatchMessage,
  type TickMessage,
  worldCheckpointKey,
} from './match/match-messages.js';
export { MatchState, PlayerState } from './match/match-state.js';
export { actorPhysicsPort, type PhysicsPort } from './match/physics-port.js';
export { kingOfTheZone } from './match/rules/king-of-the-zone.js';
export type { MatchRule, RuleClock } from './match/rules/match-rule.js';
export { DEFAULT_MODE_RULES, type ModeRules } from './match/rules/modes.js';
export { scoreTouches, TOUCH_DISTANCE, touchScoring } from './match/rules/touch-scoring.js';
export { MATCH_KIND, type MatchHostOptions, matchHost } from './match-host.js';
export { type MatchNode, type MatchNodeOptions, matchNode } from './match-node.js';
export { MatchMetrics, matchMetrics } from './metrics/match-metrics.js';
export { tickRateFromEnv } from './tick/tick-rate-from-env.js';
export {
  DEFAULT_TICK_PHASES,
  type Ticking,
  type TickObserver,
  TickScheduler,
  type TickStats,
} from './tick/tick-scheduler.js';
export { GAME_LOGIC_VARIABLES } from './variables.js';

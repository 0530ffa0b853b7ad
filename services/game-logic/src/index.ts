export { InputQueue, type InputStats } from './match/input-queue.js';
export { LEADERBOARD_KIND, MATCH_MODE, recordScore } from './match/leaderboard.js';
export { type MatchOptions, matchBehavior } from './match/match-behavior.js';
export {
  checkpointKey,
  type FindSeatMessage,
  type MatchMessage,
  type TickMessage,
  withMatchMessages,
} from './match/match-messages.js';
export { MatchState, PlayerState } from './match/match-state.js';
export { actorPhysicsPort, type PhysicsPort } from './match/physics-port.js';
export { scoreTouches, TOUCH_DISTANCE } from './match/rules.js';
export { MATCH_KIND, type MatchHostOptions, matchHost } from './match-host.js';
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

export { PlayerClient, type Profile, refusalOf, type StatsWriteOptions } from './client.js';
export * from './messages.js';
export { PlayerMetrics, playerMetrics } from './metrics/player-metrics.js';
export {
  inventoryMessage,
  type PlayerBehaviorOptions,
  type PlayerState,
  playerBehavior,
  profileOf,
  refused,
  statsOf,
} from './player.js';
export * from './player-data.js';
export { playerStorageFromEnv } from './storage/from-env.js';
export { LmdbPlayerStorage } from './storage/lmdb-player-storage.js';
export type { ApplyOutcome, PlayerStorage } from './storage/player-storage.js';
export { RedisPlayerStorage } from './storage/redis-player-storage.js';
export { PLAYER_STORE_VARIABLES } from './variables.js';

import type { ActorSystem } from '@packetflow/actors';
import { Game, type RecordScoreMessage } from '@packetflow/protocol';
import type { PlayerState } from './match-state.js';

/** The actor kind of leaderboards: one actor per game mode, its id the mode (hosted by the Python leaderboard). */
export const LEADERBOARD_KIND = 'leaderboard';

/**
 * Tells the leaderboard of the match's mode (`leaderboard/<mode>`) the score a player made in a match they left (or that ended). A tell: when no member
 * hosts leaderboards the match plays on, and the score is a dead letter, counted and logged, not an error.
 */
export function recordScore(system: ActorSystem, mode: string, player: PlayerState): void {
  const message: RecordScoreMessage = {
    type: 'RecordScore',
    body: new Game.LeaderboardScoreT(player.playerId, player.name ?? null, player.score),
  };
  system.tell(system.ref(LEADERBOARD_KIND, mode), message);
}

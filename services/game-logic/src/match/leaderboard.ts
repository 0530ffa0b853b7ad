import type { ActorSystem } from '@packetflow/actors';
import { Game, LEADERBOARD_KIND, type RecordScoreMessage } from '@packetflow/protocol';
import type { PlayerState } from './match-state.js';

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

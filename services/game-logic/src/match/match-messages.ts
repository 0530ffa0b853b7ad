import type { Down } from '@packetflow/actors';
import type {
  FindSeatMessage,
  HandOverMatchMessage,
  MatchCheckpointMessage,
  MatchRequest,
  Message,
} from '@packetflow/protocol';
import type { MatchTicker } from './match-ticker.js';

/** The scheduler's nudge; local to a host, never sent over the wire. The match settles it with its ticker. */
export interface TickMessage extends Message {
  readonly type: 'Tick';
  readonly tick: number;
  readonly ticker: MatchTicker;
}

/** The match's contract (`MatchRequest`, from the protocol), its host's ticks, and `Down` from a watched room. */
export type MatchMessage = MatchRequest | TickMessage | Down;

export type { FindSeatMessage, HandOverMatchMessage, MatchCheckpointMessage };

/** The store key of a match's latest checkpoint (most hold no world: they go on from the world checkpoint's). */
export function checkpointKey(matchId: string): string {
  return `match/${matchId}/checkpoint`;
}

/** The store key of a match's last checkpoint that holds its physics world. */
export function worldCheckpointKey(matchId: string): string {
  return `match/${matchId}/world`;
}

/**
 * The store key of a match's last hand-over record: a MatchCheckpoint without a world snapshot, written by an owner
 * that handed the match over, for a new owner whose physics world still stands at the record's tick.
 */
export function handOverKey(matchId: string): string {
  return `match/${matchId}/handover`;
}

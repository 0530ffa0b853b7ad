import type { Down } from '@packetflow/actors';
import type {
  JoinMatchMessage,
  LeaveMatchMessage,
  MatchCheckpointMessage,
  Message,
  PlayerInputMessage,
} from '@packetflow/protocol';

/** The scheduler's nudge; local to a host, never sent over the wire. */
export interface TickMessage extends Message {
  readonly type: 'Tick';
  readonly tick: number;
}

/** `Down` comes from a watched room: its gateway stopped it or died. */
export type MatchMessage = JoinMatchMessage | LeaveMatchMessage | PlayerInputMessage | TickMessage | Down;

export type { MatchCheckpointMessage };

/** The store key of a match's checkpoint. */
export function checkpointKey(matchId: string): string {
  return `match/${matchId}/checkpoint`;
}

import type { Down } from '@packetflow/actors';
import type {
  JoinMatchMessage,
  LeaveMatchMessage,
  MatchCheckpointMessage,
  Message,
  PlayerInputMessage,
} from '@packetflow/protocol';
import { Game, type MessageRegistry, tableCodec, type WireMessage } from '@packetflow/protocol';
import type { MatchTicker } from './match-ticker.js';

/** The scheduler's nudge; local to a host, never sent over the wire. The match settles it with its ticker. */
export interface TickMessage extends Message {
  readonly type: 'Tick';
  readonly tick: number;
  readonly ticker: MatchTicker;
}

/**
 * Asks a match for a player's seat without joining anything: a gateway bringing back the room of a match its
 * restart lost. Answered with the seat as `JoinAccepted`, or refused when the match holds no seat for the player.
 */
export type FindSeatMessage = WireMessage<'FindSeat', Game.JoinMatchT>;

/** `Down` comes from a watched room: its gateway stopped it or died. */
export type MatchMessage =
  | JoinMatchMessage
  | LeaveMatchMessage
  | PlayerInputMessage
  | FindSeatMessage
  | TickMessage
  | Down;

/**
 * Adds the codec of the match's own message type (`FindSeat`, a `JoinMatch` table) to a registry that has none yet.
 * The gateway registers the same name in its own registry.
 */
export function withMatchMessages(registry: MessageRegistry): MessageRegistry {
  if (!registry.has('FindSeat')) registry.register(tableCodec('JoinMatch', Game.JoinMatch, undefined, 'FindSeat'));
  return registry;
}

export type { MatchCheckpointMessage };

/** The store key of a match's checkpoint. */
export function checkpointKey(matchId: string): string {
  return `match/${matchId}/checkpoint`;
}

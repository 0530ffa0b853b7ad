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

/**
 * Asks the activation of a match on the node it was asked on (a pinned ref) to hand the match over to `node_id`, a
 * member that rendezvous routing prefers to it: sent by that member's new activation as it finds this node's claim
 * on the match, so the hand-over does not wait for this node's view to take the member in. Answered once the last
 * hand-over record is written and the claim released; refused when this node outranks the asker.
 */
export type HandOverMatchMessage = WireMessage<'HandOverMatch', Game.MatchHostT>;

/** `Down` comes from a watched room: its gateway stopped it or died. */
export type MatchMessage =
  | JoinMatchMessage
  | LeaveMatchMessage
  | PlayerInputMessage
  | FindSeatMessage
  | HandOverMatchMessage
  | TickMessage
  | Down;

/**
 * Adds the codecs of the match's own message types (`FindSeat`, a `JoinMatch` table; `HandOverMatch`, a `MatchHost`
 * table) to a registry that has none yet. The gateway registers `FindSeat` in its own registry.
 */
export function withMatchMessages(registry: MessageRegistry): MessageRegistry {
  if (!registry.has('FindSeat')) registry.register(tableCodec('JoinMatch', Game.JoinMatch, undefined, 'FindSeat'));
  if (!registry.has('HandOverMatch')) {
    registry.register(tableCodec('MatchHost', Game.MatchHost, undefined, 'HandOverMatch'));
  }
  return registry;
}

export type { MatchCheckpointMessage };

/** The store key of a match's checkpoint. */
export function checkpointKey(matchId: string): string {
  return `match/${matchId}/checkpoint`;
}

/**
 * The store key of a match's last hand-over record: a MatchCheckpoint without a world snapshot, written by an owner
 * that handed the match over, for a new owner whose physics world still stands at the record's tick.
 */
export function handOverKey(matchId: string): string {
  return `match/${matchId}/handover`;
}

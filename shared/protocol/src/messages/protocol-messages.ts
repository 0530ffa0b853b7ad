import type { Limits } from '../codec/limits.js';
import { ClientInput, type ClientInputT } from '../generated/packet-flow/game/client-input.js';
import { Inventory, type InventoryT } from '../generated/packet-flow/game/inventory.js';
import { JoinAccepted, type JoinAcceptedT } from '../generated/packet-flow/game/join-accepted.js';
import { JoinMatch, type JoinMatchT } from '../generated/packet-flow/game/join-match.js';
import { Leaderboard, type LeaderboardT } from '../generated/packet-flow/game/leaderboard.js';
import { LeaderboardScore, type LeaderboardScoreT } from '../generated/packet-flow/game/leaderboard-score.js';
import { LeaveMatch, type LeaveMatchT } from '../generated/packet-flow/game/leave-match.js';
import { MatchHost, type MatchHostT } from '../generated/packet-flow/game/match-host.js';
import { PhysicsStepRequest, type PhysicsStepRequestT } from '../generated/packet-flow/game/physics-step-request.js';
import { PhysicsStepResult, type PhysicsStepResultT } from '../generated/packet-flow/game/physics-step-result.js';
import { PlayerInput, type PlayerInputT } from '../generated/packet-flow/game/player-input.js';
import { PlayerProfile, type PlayerProfileT } from '../generated/packet-flow/game/player-profile.js';
import { PlayerStats, type PlayerStatsT } from '../generated/packet-flow/game/player-stats.js';
import { Snapshot, type SnapshotT } from '../generated/packet-flow/game/snapshot.js';
import { Down, type DownT } from '../generated/packet-flow/system/down.js';
import { type ErrorT, Error as ErrorTable } from '../generated/packet-flow/system/error.js';
import { Handshake, type HandshakeT } from '../generated/packet-flow/system/handshake.js';
import { Heartbeat, type HeartbeatT } from '../generated/packet-flow/system/heartbeat.js';
import { checkpointCodec, type MatchCheckpointBody } from './checkpoint-codec.js';
import { MessageRegistry, tableCodec, type WireMessage } from './message-registry.js';

export type ClientInputMessage = WireMessage<'ClientInput', ClientInputT>;
export type SnapshotMessage = WireMessage<'Snapshot', SnapshotT>;
export type PlayerInputMessage = WireMessage<'PlayerInput', PlayerInputT>;
export type MatchCheckpointMessage = WireMessage<'MatchCheckpoint', MatchCheckpointBody>;
export type JoinMatchMessage = WireMessage<'JoinMatch', JoinMatchT>;
export type JoinAcceptedMessage = WireMessage<'JoinAccepted', JoinAcceptedT>;
export type LeaveMatchMessage = WireMessage<'LeaveMatch', LeaveMatchT>;
export type MatchHostMessage = WireMessage<'MatchHost', MatchHostT>;
export type PlayerProfileMessage = WireMessage<'PlayerProfile', PlayerProfileT>;
export type PlayerStatsMessage = WireMessage<'PlayerStats', PlayerStatsT>;
export type InventoryMessage = WireMessage<'Inventory', InventoryT>;
export type PhysicsStepRequestMessage = WireMessage<'PhysicsStepRequest', PhysicsStepRequestT>;
export type PhysicsStepResultMessage = WireMessage<'PhysicsStepResult', PhysicsStepResultT>;
export type HandshakeMessage = WireMessage<'Handshake', HandshakeT>;
export type HeartbeatMessage = WireMessage<'Heartbeat', HeartbeatT>;
export type DownMessage = WireMessage<'Down', DownT>;
export type ErrorMessage = WireMessage<'Error', ErrorT>;
/**
 * Asks a match for a player's seat without joining anything (a gateway bringing back the room of a match its restart
 * lost): answered `JoinAccepted` with the seat, or refused when the match holds none for the player.
 */
export type FindSeatMessage = WireMessage<'FindSeat', JoinMatchT>;
/**
 * Asks the activation of a match on the node it is pinned to to hand the match over to `node_id` (a member that
 * rendezvous routing prefers), or, told to the match on `node_id` itself, to take it now (§8).
 */
export type HandOverMatchMessage = WireMessage<'HandOverMatch', MatchHostT>;
/** What `match/<match id>` accepts from other nodes: its contract with the gateway and the other game-logic hosts. */
export type MatchRequest =
  | JoinMatchMessage
  | LeaveMatchMessage
  | PlayerInputMessage
  | FindSeatMessage
  | HandOverMatchMessage;
/** A player's score in one match, told to `leaderboard/<mode>`. */
export type RecordScoreMessage = WireMessage<'RecordScore', LeaderboardScoreT>;
/** Asks `leaderboard/<mode>` for its best players; answered `TopScores`. */
export type GetTopScoresMessage = WireMessage<'GetTopScores', undefined>;
export type TopScoresMessage = WireMessage<'TopScores', LeaderboardT>;
/** What `leaderboard/<mode>` accepts. */
export type LeaderboardRequest = RecordScoreMessage | GetTopScoresMessage;

/** Client input travels from untrusted clients straight into physics: every number must be usable. */
function validateClientInput(input: ClientInputT | null): string | undefined {
  if (input === null) return 'input is required';
  const { move, aim } = input;
  if (move && !(Math.abs(move.x) <= 1 && Math.abs(move.y) <= 1)) return 'move axes must be finite and within [-1, 1]';
  if (aim && !(Number.isFinite(aim.x) && Number.isFinite(aim.y))) return 'aim must be finite';
  return undefined;
}

/** A registry holding every message defined by the protocol schemas. Services add their own types to it. */
export function createProtocolRegistry(limits: Partial<Limits> = {}): MessageRegistry {
  return new MessageRegistry(limits)
    .register(tableCodec('ClientInput', ClientInput, validateClientInput))
    .register(tableCodec('Snapshot', Snapshot))
    .register(tableCodec('PlayerInput', PlayerInput, (body) => validateClientInput(body.input)))
    .register(checkpointCodec())
    .register(tableCodec('JoinMatch', JoinMatch))
    .register(tableCodec('JoinMatch', JoinMatch, undefined, 'FindSeat'))
    .register(tableCodec('JoinAccepted', JoinAccepted))
    .register(tableCodec('LeaveMatch', LeaveMatch))
    .register(tableCodec('MatchHost', MatchHost))
    .register(tableCodec('MatchHost', MatchHost, undefined, 'HandOverMatch'))
    .register(tableCodec('PlayerProfile', PlayerProfile))
    .register(tableCodec('PlayerStats', PlayerStats))
    .register(tableCodec('Inventory', Inventory))
    .register(tableCodec('PhysicsStepRequest', PhysicsStepRequest))
    .register(tableCodec('PhysicsStepResult', PhysicsStepResult))
    .register(tableCodec('Handshake', Handshake))
    .register(tableCodec('Heartbeat', Heartbeat))
    .register(tableCodec('Down', Down))
    .register(tableCodec('Error', ErrorTable))
    .register(tableCodec('LeaderboardScore', LeaderboardScore, undefined, 'RecordScore'))
    .registerEmpty('GetTopScores')
    .register(tableCodec('Leaderboard', Leaderboard, undefined, 'TopScores'));
}

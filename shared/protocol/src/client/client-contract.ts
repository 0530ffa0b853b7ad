// What a game client and the gateway agree on, beside the tables themselves: the Colyseus room, the byte message
// types that carry FlatBuffers bodies, and the error and close codes the gateway answers bad input with.
// PROTOCOL.md section 10 describes the same contract for clients in other languages.

/** The Colyseus room name of matches. */
export const MATCH_ROOM = 'match';

/** Colyseus byte message types (`room.sendBytes` / `room.onMessage`) and the table each one carries. */
export const ClientMessage = {
  /** client → gateway: one `ClientInput`. */
  Input: 'in',
  /** gateway → client: `JoinAccepted`, after the join and again after every reconnection. */
  Joined: 'joined',
  /** gateway → client: one `Snapshot` per server tick of the match. */
  Snapshot: 'snap',
  /**
   * gateway → client: `MatchHost`, the cluster node the match runs on; before `joined` on every join and
   * reconnection, and again whenever the match moves to another node.
   */
  Host: 'host',
} as const;

/**
 * Codes of `room.onError(code, message)`: the message was dropped, the connection stays. Repeated errors end in a
 * close with `ClientCloseCode.Misbehaving`.
 */
export const ClientErrorCode = {
  /** Colyseus' own INVALID_PAYLOAD: not a readable table, too large, values out of range, unknown message type. */
  InvalidPayload: 4217,
  /** A sequence number that jumps too far ahead of the last one, or is zero. */
  BadSequence: 4422,
  /** More inputs per second than the gateway accepts from one client. */
  RateLimited: 4429,
} as const;

/** WebSocket close codes the gateway uses beside Colyseus' own (4000 consented, 4001 shutdown, 4002 error). */
export const ClientCloseCode = {
  /** The client kept sending bad input after being told; reconnection is refused. */
  Misbehaving: 4400,
  /** The same player joined the match again from another connection; the older one is closed. */
  Replaced: 4409,
} as const;

/** Sequence numbers may skip ahead (inputs the client dropped) by at most this much. */
export const MAX_SEQUENCE_GAP = 1024;

// Players cut off from a match for misbehaving, kept out of it for PACKETFLOW_CUT_OFF_BAN_MS: a client cut off with
// 4400 could otherwise join again at once with its token, its strikes afresh. Held in Colyseus' presence, so that
// every gateway sharing matchmaking through Redis refuses the player, and each entry expires by itself.
import { ErrorCode, type Presence, ServerError } from '@colyseus/core';

const key = (matchId: string, playerId: string) => `packetflow:cut-off:${matchId}:${playerId}`;

export class CutOffBans {
  constructor(
    private readonly presence: Presence,
    private readonly banMs: number,
  ) {}

  async ban(matchId: string, playerId: string, now = Date.now()): Promise<void> {
    if (this.banMs === 0) return;
    await this.presence.setex(key(matchId, playerId), String(now + this.banMs), Math.ceil(this.banMs / 1000));
  }

  /** Drops a ban before it expires: the match is gone. */
  async lift(matchId: string, playerId: string): Promise<void> {
    await this.presence.del(key(matchId, playerId));
  }

  /** Throws the error a banned player's join or reconnection is refused with. */
  async refuseBanned(matchId: string, playerId: string, now = Date.now()): Promise<void> {
    if (this.banMs === 0) return;
    const until = Number(await this.presence.get(key(matchId, playerId)));
    if (until > now) throw bannedError(matchId, until - now);
  }
}

export function bannedError(matchId: string, remainingMs: number): ServerError {
  return new ServerError(
    ErrorCode.AUTH_FAILED,
    `cut off from match ${matchId} for misbehaving: kept out of it for another ${Math.ceil(remainingMs / 1000)} s`,
  );
}

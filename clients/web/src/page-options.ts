// What the page's address says: which gateway, which game mode, and which match to join.
import { DEFAULT_GAME_MODE, type GameMode, isGameMode } from '@packetflow/client';

/** The gateway's port when the address does not name one: the launcher's default. */
const DEFAULT_GATEWAY_PORT = 2567;

export interface PageOptions {
  /** The gateway's base address: `?gateway=`, else this page's host on port 2567. */
  readonly gateway: string;
  /** `?match=<id>`: join this match; otherwise join one with room, or create one. */
  readonly matchId: string | undefined;
  /** `?mode=touch|king`: the game mode to play when joining any match with room; `touch` otherwise. */
  readonly mode: GameMode;
}

export function readPageOptions(location: Location): PageOptions {
  const query = new URLSearchParams(location.search);
  const secure = location.protocol === 'https:';
  return {
    gateway: query.get('gateway') || `${secure ? 'https' : 'http'}://${location.hostname}:${DEFAULT_GATEWAY_PORT}`,
    matchId: query.get('match') || undefined,
    mode: isGameMode(query.get('mode')) ? (query.get('mode') as GameMode) : DEFAULT_GAME_MODE,
  };
}

/** This page's address for a match of another mode: `?mode=` set, no match named. */
export function modeAddress(location: Location, mode: GameMode): string {
  const url = new URL(location.href);
  url.searchParams.set('mode', mode);
  url.searchParams.delete('match');
  return url.href;
}

/** This page's address with `?match=` set, for another player to join the same match. */
export function invitationTo(location: Location, matchId: string): string {
  const url = new URL(location.href);
  url.searchParams.set('match', matchId);
  return url.href;
}

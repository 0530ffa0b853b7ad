// What the page's address says: which gateway, and which match to join.

/** The gateway's port when the address does not name one: the launcher's default. */
const DEFAULT_GATEWAY_PORT = 2567;

export interface PageOptions {
  /** The gateway's base address: `?gateway=`, else this page's host on port 2567. */
  readonly gateway: string;
  /** `?match=<id>`: join this match; otherwise join one with room, or create one. */
  readonly matchId: string | undefined;
}

export function readPageOptions(location: Location): PageOptions {
  const query = new URLSearchParams(location.search);
  const secure = location.protocol === 'https:';
  return {
    gateway: query.get('gateway') || `${secure ? 'https' : 'http'}://${location.hostname}:${DEFAULT_GATEWAY_PORT}`,
    matchId: query.get('match') || undefined,
  };
}

/** This page's address with `?match=` set, for another player to join the same match. */
export function invitationTo(location: Location, matchId: string): string {
  const url = new URL(location.href);
  url.searchParams.set('match', matchId);
  return url.href;
}

// Guests are players the gateway makes up on the spot (`POST /auth/guest`): each token names a new `guest-<uuid>`
// that nobody will use again once the token has expired, so their records must not be kept forever (a script
// asking for tokens and joining would fill the store). Other players are kept for good.

export const GUEST_ID_PREFIX = 'guest-';

/**
 * How long a guest record unused (neither loaded nor written) is kept: 31 days. A guest id exists only inside its
 * token, the token outlives its first use by at most its lifetime (the gateway's PACKETFLOW_GUEST_TOKEN_TTL_MS,
 * 1 day by default, 30 days at most), and every use pushes the expiry back by this much: as long as it is longer
 * than the token lifetime, no valid token can name an expired record, whatever lifetime the gateway is given. The
 * day of margin covers clocks that disagree between the gateway and the store.
 */
export const DEFAULT_GUEST_TTL_MS = 31 * 24 * 60 * 60 * 1000;

export function isGuest(playerId: string): boolean {
  return playerId.startsWith(GUEST_ID_PREFIX);
}

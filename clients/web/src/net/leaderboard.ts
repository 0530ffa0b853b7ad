// The gateway's leaderboard: `GET /leaderboard?mode=<mode>`, a mode's top 10 as the Python leaderboard service keeps
// them (each player's best score in one match, best first).

export interface LeaderboardEntry {
  readonly playerId: string;
  /** The display name the player last played under; null when they never gave one. */
  readonly name: string | null;
  readonly score: number;
}

export type LeaderboardReading =
  | { readonly kind: 'board'; readonly entries: readonly LeaderboardEntry[] }
  /** 503: no member of the cluster hosts leaderboards (`npm start` without Python's packages), or its host is down. */
  | { readonly kind: 'off'; readonly reason: string }
  /** Anything else: the gateway unreachable, refusing, or answering what this page does not understand. */
  | { readonly kind: 'failed'; readonly reason: string };

function isEntry(value: unknown): value is LeaderboardEntry {
  const entry = value as Partial<Record<keyof LeaderboardEntry, unknown>> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.playerId === 'string' &&
    (entry.name === null || typeof entry.name === 'string') &&
    typeof entry.score === 'number'
  );
}

function reasonOf(body: unknown, status: number): string {
  const error = (body as { error?: unknown } | null)?.error;
  return typeof error === 'string' ? error : `HTTP ${status}`;
}

/** The gateway's base address as `http(s)://`: the page may be given it as `ws(s)://`. */
export function httpBase(gateway: string): string {
  return gateway.replace(/^ws(s?):\/\//, 'http$1://').replace(/\/+$/, '');
}

export async function readLeaderboard(gateway: string, mode: string): Promise<LeaderboardReading> {
  let response: Response;
  let body: unknown;
  try {
    response = await fetch(`${httpBase(gateway)}/leaderboard?mode=${encodeURIComponent(mode)}`);
    body = await response.json();
  } catch (error) {
    return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
  if (response.status === 503) return { kind: 'off', reason: reasonOf(body, response.status) };
  if (!response.ok) return { kind: 'failed', reason: reasonOf(body, response.status) };
  const entries = (body as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries) || !entries.every(isEntry)) {
    return { kind: 'failed', reason: 'the gateway answered a leaderboard this page does not understand' };
  }
  return { kind: 'board', entries };
}

// The custom metrics every scenario reports, beside k6's own (http_req_*, ws_*, iterations, checks, …).
import { Counter, Trend } from 'k6/metrics';

/** From sending an input to the first snapshot that acknowledges it for the player's own entity. */
export const inputLatency = new Trend('input_latency', true);
/** From asking for a seat (`POST /matchmake/joinOrCreate/match`) to the gateway's `joined`. */
export const joinTime = new Trend('join_time', true);
/** Snapshots one player received in each second it was in a match. */
export const snapshotRate = new Trend('snapshot_rate');
export const snapshots = new Counter('snapshots');
export const inputs = new Counter('inputs');
/**
 * Everything that went wrong, tagged with `kind` (`error`: a Colyseus ERROR message; `close`: a close code other
 * than a consented leave; `matchmake`, `token`: an HTTP refusal; `join`, `frame`, `table`: the bot's own findings)
 * and `code`.
 */
export const errors = new Counter('errors');

export function countError(kind: string, code: number | string): void {
  errors.add(1, { kind, code: String(code) });
}

// What the players saw during a chaos run, worked out from the bots' log: for each kill, over the window from it to
// the next kill (or the end of the run), the snapshots the players in a match at the kill were due and got, their
// longest wait for one, the disconnects, the inputs lost and the acks taken back; then the players' stats read back
// from the player store against what their matches had shown them.
import type { AckRollback, Session } from './bot-log.js';
import type { ServiceName } from './kill-schedule.js';
import type { StoredStats } from './store-readback.js';

/** A kill as it happened. Times are Date.now(). */
export interface KillRecord {
  readonly service: ServiceName;
  /** From the start of the bots' play. */
  readonly atMs: number;
  readonly at: number;
  /** The pid killed; undefined when the service was not running then (still restarting), so nothing was killed. */
  readonly pid: number | undefined;
  /** From main.js: the restarted process, and when it said so and that it was up again. */
  newPid?: number;
  restartedAt?: number;
  upAt?: number;
}

/** What the players saw in one window of the run. */
export interface WindowFigures {
  readonly windowMs: number;
  /** Players in a match when the window began: the ones whose snapshots are counted. */
  readonly players: number;
  /** Snapshots those players were due at the match's tick rate, until the window's end or their own leave. */
  readonly expected: number;
  readonly received: number;
  /** The longest any of them waited for a snapshot within the window (a wait still open at its end counts). */
  readonly longestGapMs: number;
  /** Room connections closed without the player asking to leave, in the window, anyone's. */
  readonly disconnects: number;
  /** Inputs never acknowledged in those players' sessions, to their end or the run's (see IN_FLIGHT_MS). */
  readonly inputsLost: number;
  /** Inputs the matches had acknowledged and then acknowledged no longer (acks going backwards), in the window. */
  readonly ackRollbacks: number;
}

export interface KillFigures extends WindowFigures {
  readonly service: ServiceName;
  readonly atMs: number;
  readonly pid: number | undefined;
  readonly newPid: number | undefined;
  /** From the SIGKILL to main.js's line that the service is up again; undefined if it never said so. */
  readonly upAfterMs: number | undefined;
}

export interface ServiceFigures {
  readonly service: ServiceName;
  readonly kills: number;
  readonly longestGapMs: number;
  readonly slowestUpMs: number | undefined;
  readonly expected: number;
  readonly received: number;
  readonly disconnects: number;
}

export interface StatsFigures {
  /** Players who saw their match (at least one snapshot): each a guest of one session, so each owed one match. */
  readonly players: number;
  /** Of those, players the store has a record of. */
  readonly records: number;
  /** Players whose record counts no match (or who have no record). */
  readonly matchesMissing: number;
  /** Players whose stored score is below the last score their match showed them, and the points missing. */
  readonly scoreShortPlayers: number;
  readonly scoreShortPoints: number;
  /** The gateway's log lines "player left, stats not written": writes the store never acknowledged. */
  readonly notWrittenLogged: number;
}

export interface ChaosReport {
  readonly seed: number;
  readonly vus: number;
  readonly durationMs: number;
  readonly everyMs: number;
  readonly tickRate: number | undefined;
  /** The second half of the quiet time before the first kill, to compare the kills' windows with. */
  readonly baseline: WindowFigures;
  readonly kills: readonly KillFigures[];
  readonly byService: readonly ServiceFigures[];
  readonly totals: {
    readonly sessions: number;
    readonly disconnectsByCode: Readonly<Record<string, number>>;
    readonly inputsSent: number;
    readonly inputsLost: number;
    readonly ackRollbacks: number;
  };
  readonly stats: StatsFigures;
}

function windowFigures(vus: readonly Session[][], rollbacks: readonly AckRollback[], from: number, to: number) {
  let players = 0;
  let expected = 0;
  let received = 0;
  let longestGapMs = 0;
  let inputsLost = 0;
  for (const sessions of vus) {
    const current = sessions.find((s) => s.joinedAt <= from && (s.closed === undefined || s.closed.at > from));
    if (current === undefined) continue;
    players++;
    inputsLost += current.inputsLost;
    // A player who leaves as planned is due nothing after; one cut off is due snapshots until the window ends,
    // whether it gets them by joining another match or not at all.
    const leaves = sessions.filter((s) => s.closed?.consented && s.closed.at > from && s.closed.at < to);
    const end = Math.min(to, ...leaves.map((s) => s.closed!.at));
    let previous = from;
    for (const session of sessions) {
      for (const at of session.arrivals) {
        if (at < from) previous = at;
        else if (at < end) {
          received++;
          longestGapMs = Math.max(longestGapMs, at - previous);
          previous = at;
        }
      }
    }
    longestGapMs = Math.max(longestGapMs, end - previous);
    expected += (current.tickRate * (end - from)) / 1000;
  }
  const all = vus.flat();
  const disconnects = all.filter((s) => s.closed && !s.closed.consented && s.closed.at >= from && s.closed.at < to);
  const ackRollbacks = rollbacks.filter((r) => r.at >= from && r.at < to).reduce((sum, r) => sum + r.inputs, 0);
  return {
    windowMs: to - from,
    players,
    expected: Math.round(expected),
    received,
    longestGapMs: Math.round(longestGapMs),
    disconnects: disconnects.length,
    inputsLost,
    ackRollbacks,
  };
}

function byService(kills: readonly KillFigures[]): ServiceFigures[] {
  const services = [...new Set(kills.map((k) => k.service))];
  return services.map((service) => {
    const mine = kills.filter((k) => k.service === service);
    const ups = mine.map((k) => k.upAfterMs).filter((ms) => ms !== undefined);
    return {
      service,
      kills: mine.length,
      longestGapMs: Math.max(...mine.map((k) => k.longestGapMs)),
      slowestUpMs: ups.length === mine.length ? Math.max(...ups) : undefined,
      expected: mine.reduce((sum, k) => sum + k.expected, 0),
      received: mine.reduce((sum, k) => sum + k.received, 0),
      disconnects: mine.reduce((sum, k) => sum + k.disconnects, 0),
    };
  });
}

function statsFigures(
  sessions: readonly Session[],
  stored: ReadonlyMap<string, StoredStats>,
  notWrittenLogged: number,
): StatsFigures {
  const shown = sessions.filter((s) => s.arrivals.length > 0);
  let matchesMissing = 0;
  let scoreShortPlayers = 0;
  let scoreShortPoints = 0;
  for (const session of shown) {
    const stats = stored.get(session.playerId);
    if ((stats?.matches ?? 0) < 1) matchesMissing++;
    const short = (session.score ?? 0) - (stats?.score ?? 0);
    if (short > 0) {
      scoreShortPlayers++;
      scoreShortPoints += short;
    }
  }
  return {
    players: shown.length,
    records: shown.filter((s) => stored.has(s.playerId)).length,
    matchesMissing,
    scoreShortPlayers,
    scoreShortPoints,
    notWrittenLogged,
  };
}

export interface ReportInput {
  readonly seed: number;
  readonly vus: number;
  readonly everyMs: number;
  readonly durationMs: number;
  /** When the bots started playing, Date.now(). */
  readonly startedAt: number;
  readonly kills: readonly KillRecord[];
  readonly sessions: readonly Session[][];
  readonly rollbacks: readonly AckRollback[];
  readonly stored: ReadonlyMap<string, StoredStats>;
  readonly notWrittenLogged: number;
}

export function playerReport(input: ReportInput): ChaosReport {
  const { sessions: vus, rollbacks, startedAt, durationMs, everyMs } = input;
  const end = startedAt + durationMs;
  const kills = input.kills.map((kill, i): KillFigures => {
    const to = input.kills[i + 1]?.at ?? end;
    return {
      service: kill.service,
      atMs: kill.atMs,
      pid: kill.pid,
      newPid: kill.newPid,
      upAfterMs: kill.upAt === undefined ? undefined : kill.upAt - kill.at,
      ...windowFigures(vus, rollbacks, kill.at, to),
    };
  });
  const all = vus.flat();
  const disconnectsByCode: Record<string, number> = {};
  for (const session of all) {
    if (session.closed && !session.closed.consented) {
      const code = String(session.closed.code);
      disconnectsByCode[code] = (disconnectsByCode[code] ?? 0) + 1;
    }
  }
  return {
    seed: input.seed,
    vus: input.vus,
    durationMs,
    everyMs,
    tickRate: all[0]?.tickRate,
    baseline: windowFigures(vus, rollbacks, startedAt + everyMs / 2, startedAt + everyMs),
    kills,
    byService: byService(kills),
    totals: {
      sessions: all.length,
      disconnectsByCode,
      inputsSent: all.reduce((sum, s) => sum + s.inputsSent, 0),
      inputsLost: all.reduce((sum, s) => sum + s.inputsLost, 0),
      ackRollbacks: rollbacks.reduce((sum, r) => sum + r.inputs, 0),
    },
    stats: statsFigures(all, input.stored, input.notWrittenLogged),
  };
}

// The chaos report as a person reads it at the end of `npm run chaos`: a row per kill, a line per kind of service
// killed, then disconnects, inputs and stats.
import { IN_FLIGHT_MS } from './bot-messages.js';
import type { ChaosReport, WindowFigures } from './player-report.js';

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`;
}

function missed({ expected, received }: { expected: number; received: number }): string {
  return expected === 0 ? '-' : `${(Math.max(0, (expected - received) / expected) * 100).toFixed(1)} %`;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`.trimEnd());
}

function windowCells(w: WindowFigures): string[] {
  return [
    String(w.players),
    `${w.expected} / ${w.received}`,
    missed(w),
    seconds(w.longestGapMs),
    String(w.disconnects),
  ];
}

export function renderReport(report: ChaosReport): string {
  const { baseline, kills, totals, stats } = report;
  const rate = report.tickRate === undefined ? 'no player joined' : `${report.tickRate} snapshots/s per player`;
  const lines = [
    `PacketFlow chaos run: seed ${report.seed}, ${report.vus} bots, a kill every ${seconds(report.everyMs)} ` +
      `for ${clock(report.durationMs)} (${rate})`,
    '',
    'What the players in a match at each kill saw until the next kill:',
    ...table([
      ['at', 'killed', 'pid', 'up again', 'players', 'snapshots due / got', 'missed', 'longest gap', 'disconnects'],
      ...kills.map((k) => [
        clock(k.atMs),
        k.service,
        k.pid === undefined ? 'not running' : `${k.pid} -> ${k.newPid ?? '?'}`,
        k.pid === undefined ? '-' : seconds(k.upAfterMs),
        ...windowCells(k),
      ]),
      [clock(report.everyMs / 2), 'no kill', '-', '-', ...windowCells(baseline)],
    ]),
    '',
    ...table([
      ['at', 'killed', 'inputs lost', 'acks taken back'],
      ...kills.map((k) => [clock(k.atMs), k.service, String(k.inputsLost), String(k.ackRollbacks)]),
      [clock(report.everyMs / 2), 'no kill', String(baseline.inputsLost), String(baseline.ackRollbacks)],
    ]),
    '',
    'Per kind of service killed:',
    ...table([
      ['service', 'kills', 'longest snapshot gap', 'slowest up again', 'snapshots missed', 'disconnects'],
      ...report.byService.map((s) => [
        s.service,
        String(s.kills),
        seconds(s.longestGapMs),
        seconds(s.slowestUpMs),
        missed(s),
        String(s.disconnects),
      ]),
    ]),
    '',
    `Sessions: ${totals.sessions} joined a match. Disconnects (a room connection closed without the player asking): ` +
      `${Object.values(totals.disconnectsByCode).reduce((sum, n) => sum + n, 0)}` +
      `${Object.entries(totals.disconnectsByCode)
        .map(([code, n]) => `, code ${code} x${n}`)
        .join('')}.`,
    `Inputs: ${totals.inputsSent} sent; ${totals.inputsLost} lost (sent at least ${seconds(IN_FLIGHT_MS)} before ` +
      `their session or the run ended and never acknowledged); ${totals.ackRollbacks} ` +
      'acknowledged and then taken back (a later ack lower than an earlier one: the match went back to a checkpoint).',
    `Player stats, read from the player store after the backend stopped: ${stats.players} players saw their match ` +
      `(one match each), ${stats.records} have a record; ${stats.matchesMissing} have no match counted, ` +
      `${stats.scoreShortPlayers} a score below the last their match showed them (${stats.scoreShortPoints} points ` +
      `in all); the gateway logged ${stats.notWrittenLogged} "stats not written".`,
  ];
  return lines.join('\n');
}

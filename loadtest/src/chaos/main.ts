// `npm run chaos`: starts `npm start`'s backend (launcher/dist/src/main.js) as a child on free ports and a data
// directory of its own, plays bots on it with the load-test runner (the scenarios' match session), SIGKILLs a
// service drawn by a seeded generator every `--every` for `--duration`, then stops the backend and prints what the
// players saw. Exits 0 once the run is done (the figures are reported, not judged); 1 when the backend did not start,
// or stopped on its own (the supervisor's restart budget exhausted); 2 for a bad option.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleChaosBots } from '../build/bundle.js';
import { parseDuration } from '../runner/duration.js';
import { TestRun } from '../runner/test-run.js';
import { BotLog } from './bot-log.js';
import { killSchedule, type PlannedKill, SERVICES, type ServiceName } from './kill-schedule.js';
import { BackendError, describeExit, LauncherProcess, type SupervisorLine } from './launcher-process.js';
import { type KillRecord, playerReport } from './player-report.js';
import { renderReport } from './report-text.js';
import { readStoredStats } from './store-readback.js';

/** The bots play this much past the last window, so that its last snapshots reach the log before they stop. */
const TAIL_MS = 2000;
const PROGRESS_EVERY_MS = 5000;

const USAGE = `usage: npm run chaos -- [--duration 2m] [--every 20s] [--vus 40] [--seed N]
                        [--services physics,player-store,game-logic,gateway] [--json report.json]`;

interface Settings {
  readonly durationMs: number;
  readonly everyMs: number;
  readonly vus: number;
  readonly seed: number;
  readonly services: readonly ServiceName[];
  readonly json: string | undefined;
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '2m' },
      every: { type: 'string', default: '20s' },
      vus: { type: 'string', default: '40' },
      seed: { type: 'string' },
      services: { type: 'string', default: SERVICES.join(',') },
      json: { type: 'string' },
    },
  });
  const durationMs = parseDuration(values.duration, '--duration');
  const everyMs = parseDuration(values.every, '--every');
  if (everyMs <= 0 || durationMs < 2 * everyMs) {
    throw new TypeError('--duration must be at least twice --every: every kill is watched for --every after it');
  }
  const vus = Number(values.vus);
  if (!Number.isInteger(vus) || vus < 1)
    throw new TypeError(`--vus: expected a whole number above 0, got ${values.vus}`);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new TypeError(`--seed: expected a whole number, got ${values.seed}`);
  const services = values.services.split(',').map((name) => name.trim());
  const unknown = services.filter((name) => !(SERVICES as readonly string[]).includes(name));
  if (unknown.length > 0 || services.length === 0) {
    throw new TypeError(`--services: ${unknown.join(', ') || 'none'} is not one of ${SERVICES.join(', ')}`);
  }
  return { durationMs, everyMs, vus, seed, services: services as ServiceName[], json: values.json };
}

function clock(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  return `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, '0')}`;
}

function fail(message: string, code: number): never {
  console.error(`chaos: ${message}`);
  process.exit(code);
}

let settings: Settings;
try {
  settings = readSettings();
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`, 2);
}

const schedule = killSchedule(settings);
const scriptPath = await bundleChaosBots();
const dataDir = mkdtempSync(join(tmpdir(), 'packetflow-chaos-'));
process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));

console.log('chaos: starting the backend (launcher/dist/src/main.js)…');
const launcher = await LauncherProcess.start(dataDir).catch((error: unknown) => {
  fail(`the backend did not start: ${error instanceof BackendError ? error.message : String(error)}`, 1);
});
const pidList = () => [...launcher.pids].map(([name, pid]) => `${name} ${pid}`).join(', ');
console.log(`chaos: backend up at ${launcher.url} (main.js pid ${launcher.pid}; ${pidList()})`);
console.log(
  `chaos: seed ${settings.seed}; ${settings.vus} bots for ${clock(settings.durationMs)}; SIGKILL ` +
    schedule.map((k) => `${k.service} at ${clock(k.atMs)}`).join(', '),
);

const log = new BotLog();
const run = new TestRun({
  scriptPath,
  env: {
    ...Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
    GATEWAY: launcher.url,
    VUS: String(settings.vus),
    DURATION: `${settings.durationMs + TAIL_MS}ms`,
  },
});
await run.load();

const kills: KillRecord[] = [];
let startedAt = 0;
const elapsed = () => clock(Date.now() - startedAt);

function killNow(planned: PlannedKill): void {
  const pid = launcher.kill(planned.service);
  kills.push({ service: planned.service, atMs: planned.atMs, at: Date.now(), pid });
  console.log(
    pid === undefined
      ? `${elapsed()}  ${planned.service} is not running (still restarting): nothing killed`
      : `${elapsed()}  SIGKILL ${planned.service} (pid ${pid}); ${log.inMatch()} players in a match`,
  );
}

function onSupervisorLine(line: SupervisorLine, at: number): void {
  const kill = kills.findLast((k) => k.service === line.service);
  if (line.kind === 'restarted' && kill !== undefined && kill.newPid === undefined) {
    kill.newPid = line.pid;
    kill.restartedAt = at;
    console.log(`${elapsed()}  ${line.service} restarted by the launcher: pid ${line.pid}`);
  } else if (line.kind === 'recovered' && kill !== undefined && kill.newPid === line.pid) {
    kill.upAt = at;
    console.log(`${elapsed()}  ${line.service} up again, ${((at - kill.at) / 1000).toFixed(1)} s after the SIGKILL`);
  } else if (line.kind === 'died' && !kills.some((k) => k.pid === line.pid)) {
    console.log(`${elapsed()}  ${line.service} (pid ${line.pid}) died on its own (${line.how})`);
  } else if (line.kind === 'gave-up') {
    console.log(`${elapsed()}  the launcher's restart budget is exhausted: it stops everything`);
  }
}
launcher.onSupervisorLine(onSupervisorLine);

// The backend ending on its own ends the run: there is nothing left to play on.
void launcher.exited.then(() => run.abort('signal'));
process.once('SIGINT', () => {
  console.log(`${elapsed()}  Ctrl-C: stopping the bots, then the backend, then the report`);
  run.abort('signal');
});

const timers: NodeJS.Timeout[] = [];
let snapshotsSeen = 0;
const progress = setInterval(() => {
  const arrivals = log.sessions().reduce((sum, s) => sum + s.arrivals.length, 0);
  console.log(
    `${elapsed()}  ${run.vus} bots, ${log.inMatch()} in a match, ` +
      `${Math.round(((arrivals - snapshotsSeen) * 1000) / PROGRESS_EVERY_MS)} snapshots/s`,
  );
  snapshotsSeen = arrivals;
}, PROGRESS_EVERY_MS);
startedAt = Date.now();
for (const planned of schedule) timers.push(setTimeout(() => killNow(planned), planned.atMs));
await run.execute();
// Cut short by Ctrl-C, the run is judged over the time it played.
const playedMs = Math.min(settings.durationMs, Date.now() - startedAt);
for (const timer of timers) clearTimeout(timer);
clearInterval(progress);
log.close();

const wasRunning = launcher.running;
console.log(`${elapsed()}  bots stopped; stopping the backend (Ctrl-C to main.js)…`);
const exit = await launcher.stop();
if (!wasRunning) {
  const why =
    launcher.gaveUp === undefined
      ? `main.js exited on its own (${describeExit(exit)})`
      : `the supervisor's restart budget ran out after ${launcher.gaveUp.service} died again`;
  fail(`the backend stopped before the run ended: ${why}; its last lines:\n${launcher.tail()}`, 1);
}

const report = playerReport({
  seed: settings.seed,
  vus: settings.vus,
  everyMs: settings.everyMs,
  durationMs: playedMs,
  startedAt,
  kills,
  sessions: log.vus(),
  rollbacks: log.rollbacks,
  stored: await readStoredStats(
    dataDir,
    log.sessions().map((s) => s.playerId),
  ),
  notWrittenLogged: launcher.statsNotWritten,
});
console.log(`\n${renderReport(report)}`);
if (settings.json !== undefined) {
  const path = resolve(settings.json);
  writeFileSync(path, `${JSON.stringify({ ...report, pids: [...launcher.everyPid] }, null, 1)}\n`);
  console.log(`\nreport: ${path}`);
}
process.exit(0);

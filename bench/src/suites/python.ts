// The Python cluster member against TypeScript ones in the same run (issue 17): the ask round trip in each direction
// beside TypeScript to TypeScript, and one-way tells per second into a Python actor. The measuring is
// shared/python/scripts/figures.py (Python's side of it has to run in Python); it starts its own redis-server and
// TypeScript members and prints one JSON line, which this suite reports.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Figure } from '../report.js';

const GROUP = 'python';
const PYTHON = '/usr/bin/python3';
const ASKS = 2000;
// More than a second of backlog in the Python host delays its heartbeat answers past the 1.2 s a peer waits for them
// (its actors and its links share one asyncio loop), and the flood then ends with the peer counted down.
const TELLS = 20_000;
const pythonDir = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'python');

interface Rtt {
  readonly median_us: number;
  readonly p99_us: number;
}

interface PythonFigures {
  readonly asks: number;
  readonly ask_rtt_ts_to_python: Rtt;
  readonly ask_rtt_python_to_ts: Rtt;
  readonly ask_rtt_ts_to_ts: Rtt;
  readonly tells_per_second_into_python: number;
  readonly tells: number;
}

export async function pythonSuite(report: (figure: Figure) => void): Promise<void> {
  const run = spawnSync(PYTHON, [join(pythonDir, 'scripts', 'figures.py'), String(ASKS), String(TELLS)], {
    cwd: pythonDir,
    env: { ...process.env, PYTHONPATH: pythonDir },
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (run.error !== undefined) throw new Error(`${PYTHON} scripts/figures.py could not run: ${run.error.message}`);
  if (run.status !== 0) {
    throw new Error(`${PYTHON} scripts/figures.py failed (${run.status ?? run.signal}): ${run.stderr.slice(-2000)}`);
  }
  const figures = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as PythonFigures;
  const setup =
    'two TypeScript members and one Python member (asyncio, Debian python3-flatbuffers) on Redis membership, each a ' +
    'process on this machine, over loopback TCP with the cluster secret proven; a counter actor answers each ask';
  const rtt = (name: string, value: Rtt, note: string) =>
    report({
      group: GROUP,
      name,
      value: value.median_us,
      unit: `µs median, p99 ${value.p99_us} µs`,
      target: '',
      note: `${setup}; ${figures.asks} sequential asks after 50 warm-up. ${note}`,
    });
  const ts = figures.ask_rtt_ts_to_ts.median_us;
  rtt(
    'ask round trip TypeScript → Python',
    figures.ask_rtt_ts_to_python,
    `${(figures.ask_rtt_ts_to_python.median_us / ts).toFixed(1)}× TypeScript → TypeScript in the same run`,
  );
  rtt(
    'ask round trip Python → TypeScript',
    figures.ask_rtt_python_to_ts,
    `${(figures.ask_rtt_python_to_ts.median_us / ts).toFixed(1)}× TypeScript → TypeScript in the same run`,
  );
  rtt('ask round trip TypeScript → TypeScript (same run)', figures.ask_rtt_ts_to_ts, 'the reference for the two above');
  report({
    group: GROUP,
    name: 'one-way tells into a Python actor',
    value: figures.tells_per_second_into_python,
    unit: 'tells/s',
    target: '',
    note: `${setup}; ${figures.tells.toLocaleString('en-US')} tells from a TypeScript member, timed until the Python actor handled the last`,
  });
}

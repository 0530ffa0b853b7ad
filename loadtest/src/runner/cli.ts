// `npm run loadtest -- <scenario | script.js> [-e NAME=value]… [--workers N] [--report-dir DIR]`: runs a k6 script
// here, without k6. A scenario name (smoke, ramp-up, soak, spike) is bundled from src/scenarios first, exactly
// as for real k6. Prints progress and k6's end-of-test summary, writes the JSON and HTML report, and exits as k6
// does: 0, 99 when a threshold failed, 105 when interrupted, 107 for a script that cannot run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleScenarios, packageRoot, scenarioNames } from '../build/bundle.js';
import { renderHtmlReport } from '../report/html.js';
import { reportJson } from '../report/json.js';
import { progressLine } from './progress.js';
import { summarize } from './summary-data.js';
import { renderSummary } from './summary-text.js';
import { ScriptError, TestRun } from './test-run.js';

const EXIT = { thresholdsFailed: 99, externalAbort: 105, scriptException: 107 } as const;
const QUIET_PROGRESS_EVERY_S = 10;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    env: { type: 'string', short: 'e', multiple: true },
    workers: { type: 'string' },
    'report-dir': { type: 'string' },
  },
});

const target = positionals[0];
if (target === undefined) {
  console.error(`usage: npm run loadtest -- <${scenarioNames().join('|')}|script.js> [-e NAME=value]…`);
  process.exit(2);
}

const env: Record<string, string> = {};
for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
for (const pair of values.env ?? []) {
  const eq = pair.indexOf('=');
  if (eq <= 0) {
    console.error(`-e ${pair}: expected NAME=value`);
    process.exit(2);
  }
  env[pair.slice(0, eq)] = pair.slice(eq + 1);
}

const scriptPath = scenarioNames().includes(target) ? (await bundleScenarios([target]))[0]! : resolve(target);
const name = basename(scriptPath, '.js');
let errors = 0;
const run = new TestRun({
  scriptPath,
  env,
  ...(values.workers === undefined ? {} : { workers: Number(values.workers) }),
  onWindow: (current, point) => {
    errors += Object.values(point.breakdown.errors ?? {}).reduce((sum, n) => sum + n, 0);
    const line = progressLine({
      elapsedMs: point.t * 1000,
      vus: current.vus,
      vusMax: current.vusMax,
      completed: current.completed,
      interrupted: current.interrupted,
      point,
      errors: Math.round(errors),
    });
    if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${line}`);
    else if (Math.round(point.t) % QUIET_PROGRESS_EVERY_S === 0) console.log(line);
  },
});

try {
  await run.load();
  console.log(`\n  execution: local (this runner, ${name})\n     script: ${scriptPath}\n`);
  process.once('SIGINT', () => run.abort('signal'));
  await run.execute();
} catch (error) {
  console.error(`\n${error instanceof ScriptError ? 'ERRO' : 'ERRO (runner)'} ${(error as Error).message}`);
  process.exit(EXIT.scriptException);
}
if (process.stdout.isTTY) process.stdout.write('\n');

const summary = summarize(run.store, run.thresholds, run.durationMs);
console.log(`\n${renderSummary(summary.data, summary.thresholds, Boolean(process.stdout.isTTY))}`);

const reportDir = resolve(values['report-dir'] ?? `${packageRoot}reports`);
mkdirSync(reportDir, { recursive: true });
const stamp = run.startedAt.toISOString().replace(/[:.]/g, '-');
const json = reportJson(run, summary, name);
const jsonPath = `${reportDir}/${name}-${stamp}.json`;
const htmlPath = `${reportDir}/${name}-${stamp}.html`;
writeFileSync(jsonPath, `${JSON.stringify(json, null, 1)}\n`);
writeFileSync(htmlPath, renderHtmlReport(json));
console.log(`report: ${jsonPath}\n        ${htmlPath}`);

if (run.aborted === 'signal') process.exit(EXIT.externalAbort);
if (!summary.passed) {
  console.error('ERRO thresholds on metrics have been crossed');
  process.exit(EXIT.thresholdsFailed);
}

// `npm run bench`: runs every suite in its own child process (so one suite's heap and JIT state do not colour the
// next), prints each figure beside its target and writes BENCHMARKS.md at the repository root (a run of some suites
// replaces only their rows).
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { type Figure, printFigure, writeMarkdown } from './report.js';
import { SUITE_FLAGS, suiteNames } from './suites/index.js';

const root = join(import.meta.dirname, '..', '..', '..');
const runner = join(import.meta.dirname, 'run-suite.js');

function runSuite(name: string, flags: string[]): Promise<Figure[]> {
  return new Promise((resolve, reject) => {
    const figures: Figure[] = [];
    const child = fork(runner, [name, ...flags], { execArgv: ['--expose-gc', '--max-old-space-size=8192'] });
    child.on('message', (figure: Figure) => {
      printFigure(figure);
      figures.push(figure);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(figures) : reject(new Error(`bench suite ${name} exited with code ${code}`)),
    );
  });
}

const args = process.argv.slice(2);
const flags = args.filter((arg) => arg.startsWith('--'));
const only = args.filter((arg) => !arg.startsWith('--'));
const unknown = [
  ...flags.filter((flag) => !(SUITE_FLAGS as readonly string[]).includes(flag)),
  ...only.filter((name) => !suiteNames.includes(name)),
];
if (unknown.length > 0) {
  console.error(
    `unknown bench suite or flag: ${unknown.join(', ')}; suites: ${suiteNames.join(', ')}; flags: ${SUITE_FLAGS.join(', ')}`,
  );
  process.exit(2);
}
const all: Figure[] = [];
for (const name of suiteNames) {
  if (only.length > 0 && !only.includes(name)) continue;
  all.push(...(await runSuite(name, flags)));
}
const missed = all.filter((f) => f.met === false).length;
// A profiler in the servers costs them CPU: a profiled run's figures are printed, never written down.
if (flags.includes('--profile') || flags.includes('--perf')) {
  console.log(`\n${all.length} figures, ${missed} targets missed; profiled run, BENCHMARKS.md left as it was`);
} else {
  writeMarkdown(join(root, 'BENCHMARKS.md'), all, { partial: only.length > 0 });
  console.log(
    `\n${all.length} figures, ${missed} targets missed; ${only.length === 0 ? 'written to' : 'their rows replaced in'} BENCHMARKS.md`,
  );
}

// `npm run bench`: runs every suite in its own child process (so one suite's heap and JIT state do not colour the
// next), prints each figure beside its target and writes BENCHMARKS.md at the repository root (a run of some suites
// replaces only their rows).
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { type Figure, printFigure, writeMarkdown } from './report.js';
import { suiteNames } from './suites/index.js';

const root = join(import.meta.dirname, '..', '..', '..');
const runner = join(import.meta.dirname, 'run-suite.js');

function runSuite(name: string): Promise<Figure[]> {
  return new Promise((resolve, reject) => {
    const figures: Figure[] = [];
    const child = fork(runner, [name], { execArgv: ['--expose-gc', '--max-old-space-size=8192'] });
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

const only = process.argv.slice(2);
const all: Figure[] = [];
for (const name of suiteNames) {
  if (only.length > 0 && !only.includes(name)) continue;
  all.push(...(await runSuite(name)));
}
writeMarkdown(join(root, 'BENCHMARKS.md'), all, { partial: only.length > 0 });
const missed = all.filter((f) => f.met === false).length;
console.log(
  `\n${all.length} figures, ${missed} targets missed; ${only.length === 0 ? 'written to' : 'their rows replaced in'} BENCHMARKS.md`,
);

// Child process of main.ts: runs one suite and sends each figure to the parent as it is measured.
import type { Figure } from './report.js';
import { suites } from './suites/index.js';

const name = process.argv[2] ?? '';
const suite = suites[name];
if (!suite) {
  console.error(`unknown bench suite "${name}"`);
  process.exit(2);
}
if (typeof globalThis.gc !== 'function') {
  console.error('run benchmarks with --expose-gc');
  process.exit(2);
}
await suite((figure: Figure) => process.send?.(figure), {
  profile: process.argv.includes('--profile'),
  perf: process.argv.includes('--perf'),
});
process.disconnect?.();

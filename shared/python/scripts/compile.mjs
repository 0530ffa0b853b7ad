#!/usr/bin/env node
// `npm run build` / `lint` of the Python packages: byte-compiles the given folders with /usr/bin/python3, which
// catches syntax errors. A machine without /usr/bin/python3 is told so in one line and not failed, so that `npm run
// build` (and `npm start`) work there too; the tests, which need it, fail instead (scripts/run-tests.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const python = '/usr/bin/python3';
if (!existsSync(python)) {
  console.log(`${python} not found: ${process.argv.slice(2).join(', ')} not compiled (apt-get install python3)`);
  process.exit(0);
}
const result = spawnSync(python, ['-m', 'compileall', '-q', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);

#!/usr/bin/env node
// Runs one package's compiled tests with Node's test runner: a readable spec on stdout and a JUnit file that
// scripts/test.mjs adds up into one summary line for the whole repository.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const testDir = 'dist/test';
// `--results <dir>`: where the JUnit file goes; the Node 24 run of scripts/test.mjs keeps its own beside Node 20's.
const resultsAt = process.argv.indexOf('--results');
const resultsDir = resultsAt === -1 ? 'test-results' : process.argv[resultsAt + 1];
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });
if (!existsSync(testDir)) {
  console.error(`no compiled tests in ${process.cwd()}/${testDir}: run the build first`);
  process.exit(1);
}
// Only *.test.js: Node's own discovery would also run helpers and child-process fixtures that live beside them.
const files = readdirSync(testDir, { recursive: true })
  .filter((file) => file.endsWith('.test.js'))
  .map((file) => join(testDir, file))
  .sort();
const result = spawnSync(
  process.execPath,
  [
    '--expose-gc',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=junit',
    `--test-reporter-destination=${join(resultsDir, 'junit.xml')}`,
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);

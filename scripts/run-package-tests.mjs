#!/usr/bin/env node
// Runs one package's compiled tests with Node's test runner: a readable spec on stdout and a JUnit file that
// scripts/test.mjs adds up into one summary line for the whole repository.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';

const testDir = 'dist/test';
rmSync('test-results', { recursive: true, force: true });
mkdirSync('test-results', { recursive: true });
if (!existsSync(testDir)) {
  console.error(`no compiled tests in ${process.cwd()}/${testDir}: run the build first`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    '--expose-gc',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=junit',
    '--test-reporter-destination=test-results/junit.xml',
    testDir,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);

#!/usr/bin/env node
// `npm test` (here and in services/leaderboard): runs pytest with Debian's /usr/bin/python3 and writes test-results/junit.xml with the counts
// scripts/test.mjs adds up (`<!-- pass N -->` …). A missing python3-pytest or python3-flatbuffers is a failure, not a
// skip: tests that cannot import their modules are collection errors, counted as failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

// The packetflow package is importable from the tests of any package that runs them with this script.
const packageRoot = join(import.meta.dirname, '..');
const resultsDir = 'test-results';
const junit = join(resultsDir, 'junit.xml');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

const result = spawnSync(
  '/usr/bin/python3',
  ['-m', 'pytest', '-p', 'no:cacheprovider', '-v', `--junitxml=${junit}`, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: { ...process.env, PYTHONPATH: [process.cwd(), packageRoot].join(delimiter), PYTHONDONTWRITEBYTECODE: '1' },
  },
);

if (!existsSync(junit)) {
  const why = result.error?.message ?? `pytest exited with ${result.status} and wrote no results`;
  console.error(
    `python tests did not run: ${why} (apt-get install -y python3-pytest python3-flatbuffers python3-redis)`,
  );
  writeFileSync(junit, '<testsuites/>\n<!-- pass 0 -->\n<!-- fail 1 -->\n<!-- skipped 0 -->\n');
  process.exit(1);
}
const xml = readFileSync(junit, 'utf8');
const total = (name) =>
  [...xml.matchAll(new RegExp(`<testsuite [^>]*?\\b${name}="(\\d+)"`, 'g'))].reduce((n, m) => n + Number(m[1]), 0);
const tests = total('tests');
const failed = total('failures') + total('errors');
const skipped = total('skipped');
writeFileSync(
  junit,
  `${xml}\n<!-- pass ${tests - failed - skipped} -->\n<!-- fail ${failed} -->\n<!-- skipped ${skipped} -->\n`,
);
process.exit(result.status === 0 ? 0 : 1);

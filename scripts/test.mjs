#!/usr/bin/env node
// `npm test`: makes sure the system packages the tests need are installed (scripts/system-packages.mjs), builds and
// tests every workspace through turbo on this machine's Node, then runs the launcher's, gateway's and e2e tests again
// under Node 24 in a Debian 13 root (scripts/node24-tests.mjs), and prints one line a CI can read:
// "Summary: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NODE24_PACKAGES, node24ResultFile, runNode24Tests } from './node24-tests.mjs';
import { ensureSystemPackages } from './system-packages.mjs';

const root = join(import.meta.dirname, '..');
if (!ensureSystemPackages()) process.exit(1);

// Workspace entries are folders or `folder/*` patterns, as npm accepts them.
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces.flatMap((entry) => {
  if (!entry.endsWith('/*')) return [entry];
  const parent = entry.slice(0, -2);
  if (!existsSync(join(root, parent))) return [];
  return readdirSync(join(root, parent), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, parent, e.name, 'package.json')))
    .map((e) => `${parent}/${e.name}`)
    .sort();
});
const resultFile = (workspace) => join(root, workspace, 'test-results', 'junit.xml');
for (const workspace of workspaces) rmSync(resultFile(workspace), { force: true });

// Two packages at a time, as many as this machine has cores: many test files start whole backends of their own, and
// ten at once (turbo's default) starve each other until timeouts meant for a hung process fire. It is no slower.
const turbo = spawnSync('npx', ['turbo', 'run', 'test', '--continue', '--concurrency=2', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});

// After turbo, never beside it: the machine's cores are taken. Only the workspaces whose tests ran above (all three,
// unless `npm test -- --filter=…` chose others), so a filtered run stays filtered.
const node24Workspaces = NODE24_PACKAGES.filter((workspace) => existsSync(resultFile(workspace)));
let node24Skipped;
let node24Error;
let node24Seconds = 0;
if (node24Workspaces.length > 0) {
  const started = performance.now();
  try {
    node24Skipped = await runNode24Tests(node24Workspaces);
  } catch (error) {
    node24Error = error instanceof Error ? error.message : String(error);
  }
  node24Seconds = (performance.now() - started) / 1000;
}

const count = (xml, name) => Number(new RegExp(`<!-- ${name} (\\d+) -->`).exec(xml)?.[1] ?? 0);
let passed = 0;
let failed = 0;
let skipped = 0;
/** Each failed test of a JUnit file (Node's reporter or pytest's): its name and the first line of its message. */
const failures = [];
const xmlText = (text) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
function failedTests(label, xml) {
  const testcase = /<testcase\b([^>]*?)\/?>(?:\s*<(?:failure|error)\b[^>]*?\bmessage="([^"]*)")?/g;
  for (const [, attributes, message] of xml.matchAll(testcase)) {
    if (message === undefined) continue;
    const name = /\bname="([^"]*)"/.exec(attributes)?.[1] ?? '?';
    failures.push(`${label}: ${xmlText(name)}: ${xmlText(message).split('\n')[0].slice(0, 300)}`);
  }
}
function add(label, file) {
  if (!existsSync(file)) return false;
  const xml = readFileSync(file, 'utf8');
  // A run that broke while writing its report leaves no counts: a failure, not zero tests.
  if (!/<!-- pass \d+ -->/.test(xml)) {
    console.log(`${label}: no counts in ${file} (its test run broke before it finished)`);
    failures.push(`${label}: its test run broke before it finished writing ${file}`);
    failed += 1;
    return true;
  }
  const p = count(xml, 'pass');
  const f = count(xml, 'fail') + count(xml, 'cancelled');
  const s = count(xml, 'skipped') + count(xml, 'todo');
  console.log(`${label}: ${p} passed, ${f} failed, ${s} skipped`);
  if (f > 0) failedTests(label, xml);
  passed += p;
  failed += f;
  skipped += s;
  return true;
}
console.log('');
for (const workspace of workspaces) add(workspace, resultFile(workspace));
if (node24Skipped !== undefined) {
  console.log(`Node 24 run skipped: ${node24Skipped}`);
  skipped += 1;
} else if (node24Error !== undefined) {
  console.log(`Node 24 run failed: ${node24Error}`);
  failed += 1;
} else {
  for (const workspace of node24Workspaces) {
    if (!add(`${workspace} (Node 24)`, node24ResultFile(workspace))) {
      console.log(`${workspace} (Node 24): no results (its run broke before its tests ran)`);
      failed += 1;
    }
  }
  if (node24Workspaces.length > 0) console.log(`The Node 24 run took ${node24Seconds.toFixed(0)} s.`);
}
// Here, beside the summary, since a CI log is often read from its end.
if (failures.length > 0) {
  console.log('Failed tests:');
  for (const line of failures.slice(0, 30)) console.log(`  ${line}`);
  if (failures.length > 30) console.log(`  … and ${failures.length - 30} more`);
}
const turboFailed = turbo.status !== 0;
if (turboFailed && failed === 0) failed = 1;
console.log(`Summary: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(turboFailed || failed > 0 ? 1 : 0);

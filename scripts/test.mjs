#!/usr/bin/env node
// `npm test`: builds and tests every workspace through turbo, then prints one line a CI can read:
// "Summary: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
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
const resultFiles = workspaces.map((ws) => join(root, ws, 'test-results', 'junit.xml'));
for (const file of resultFiles) rmSync(file, { force: true });

// Two packages at a time, as many as this machine has cores: many test files start whole backends of their own, and
// ten at once (turbo's default) starve each other until timeouts meant for a hung process fire. It is no slower.
const turbo = spawnSync('npx', ['turbo', 'run', 'test', '--continue', '--concurrency=2', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});

const count = (xml, name) => Number(new RegExp(`<!-- ${name} (\\d+) -->`).exec(xml)?.[1] ?? 0);
let passed = 0;
let failed = 0;
let skipped = 0;
for (const [i, file] of resultFiles.entries()) {
  if (!existsSync(file)) continue;
  const xml = readFileSync(file, 'utf8');
  const p = count(xml, 'pass');
  const f = count(xml, 'fail') + count(xml, 'cancelled');
  const s = count(xml, 'skipped') + count(xml, 'todo');
  console.log(`${workspaces[i]}: ${p} passed, ${f} failed, ${s} skipped`);
  passed += p;
  failed += f;
  skipped += s;
}
const turboFailed = turbo.status !== 0;
if (turboFailed && failed === 0) failed = 1;
console.log(`Summary: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(turboFailed || failed > 0 ? 1 : 0);

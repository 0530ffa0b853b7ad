import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const main = join(import.meta.dirname, '..', 'src', 'main.js');

test('npm run bench refuses a suite or flag it does not know, before measuring anything', () => {
  const result = spawnSync(process.execPath, ['--expose-gc', main, 'cpu', '--profiel', 'nope'], { encoding: 'utf8' });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /unknown bench suite or flag: --profiel, nope; suites: .*cpu.*; flags: --profile/);
});

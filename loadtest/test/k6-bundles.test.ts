// The scenarios as real k6 gets them: they type-check against @types/k6 without Node's types, and each bundle is a
// small script importing the library module beside it, which imports nothing but k6 modules and brings its own
// UTF-8 codec in place of TextEncoder/TextDecoder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { bundleScenarios, LIBRARY_IMPORT, libraryPath, packageRoot, scenarioNames } from '../src/build/bundle.js';
import { runCli } from './run-cli.js';

describe('k6 bundles', () => {
  it('type-check the scenarios under k6’s types alone', () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', `${packageRoot}src/k6/tsconfig.json`], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it('bundle every scenario into a script that imports the library beside it, which imports only k6 modules', async () => {
    assert.deepEqual(scenarioNames(), ['ramp-up', 'smoke', 'soak', 'spike']);
    const importsOf = (source: string) => [...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    const paths = await bundleScenarios();
    assert.equal(paths.length, 4);
    for (const path of paths) {
      const source = readFileSync(path, 'utf8');
      assert.deepEqual(importsOf(source), [LIBRARY_IMPORT]);
      assert.equal(new URL(LIBRARY_IMPORT, pathToFileURL(path)).pathname, libraryPath());
      assert.doesNotMatch(source, /require\(|from "node:|\bprocess\.|\bBuffer\./);
      assert.match(source, /export \{[^}]*options[^}]*\}/s);
    }
    const library = readFileSync(libraryPath(), 'utf8');
    assert.deepEqual([...new Set(importsOf(library))].sort(), [
      'k6',
      'k6/http',
      'k6/metrics',
      'k6/timers',
      'k6/websockets',
    ]);
    assert.doesNotMatch(library, /require\(|from "node:|\bprocess\.|\bBuffer\./);
    assert.match(library, /var TextDecoder = class/);
    assert.match(library, /export \{[^}]*playMatch[^}]*\}/s);
  });

  it('refuse a bad variable at init, naming it, with k6’s exit code for a script error', async () => {
    for (const [variable, value, expected] of [
      ['START_SPREAD_SECONDS', '-1', 'a number of 0 or more'],
      ['THINK_SECONDS', '0', 'a positive number'],
    ] as const) {
      const result = await runCli('smoke', ['-e', `${variable}=${value}`]);
      assert.equal(result.code, 107, result.stdout + result.stderr);
      assert.match(result.stderr, new RegExp(`${variable}=${value}: expected ${expected}`));
    }
  });
});

// The scenarios as real k6 gets them: they type-check against @types/k6 without Node's types, and each bundle is
// one file importing nothing but k6 modules, with its own UTF-8 codec in place of TextEncoder/TextDecoder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { bundleScenario, packageRoot, scenarioNames } from '../src/build/bundle.js';

describe('k6 bundles', () => {
  it('type-check the scenarios under k6’s types alone', () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', `${packageRoot}src/k6/tsconfig.json`], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it('bundle every scenario into a script that imports only k6 modules and needs no Node built-in', async () => {
    assert.deepEqual(scenarioNames(), ['ramp-up', 'smoke', 'soak', 'spike']);
    for (const name of scenarioNames()) {
      const source = readFileSync(await bundleScenario(name), 'utf8');
      const imports = [...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
      assert.deepEqual([...new Set(imports)].sort(), ['k6', 'k6/http', 'k6/metrics', 'k6/timers', 'k6/websockets']);
      assert.doesNotMatch(source, /require\(|from "node:|\bprocess\.|\bBuffer\./);
      assert.match(source, /var TextDecoder = class/);
      assert.match(source, /export \{[^}]*options[^}]*\}/s);
    }
  });
});

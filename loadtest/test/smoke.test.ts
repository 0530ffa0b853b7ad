// CI's smoke scenario: 50 virtual users for 20 seconds against the whole backend (every service a process, as
// `npm start` runs them), through the runner, its thresholds enforced by the exit code.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Backend, startBackend } from '@packetflow/launcher';
import type { Report } from '../src/report/json.js';
import { runCli } from './run-cli.js';
import { scratchDir } from './scratch-dir.js';

describe('smoke scenario against the whole backend', () => {
  let backend: Backend;
  before(async () => {
    // 50 players from one address, each taking a token and a seat every session: far over the gateway's limits
    // per address, which are for players, not for a load generator.
    backend = await startBackend({
      gatewayPort: 0,
      dataDir: scratchDir('loadtest-smoke-'),
      env: { PACKETFLOW_RATE_LIMIT_EXEMPT: '127.0.0.1' },
    });
  });
  after(() => backend?.stop());

  it('holds 50 players for 20 seconds within the thresholds, and writes the report', async () => {
    // CI checks that the scenario runs clean (no error, every check, every player joined and fed snapshots, the
    // thresholds enforced through the exit code), not how fast this shared machine is: the time marks are loosened
    // here and are the scenario's own when it is run for real.
    const loose = ['JOIN_P95_MS=30000', 'INPUT_P95_MS=5000', 'INPUT_P99_MS=10000', 'MIN_SNAPSHOT_RATE=10'];
    const result = await runCli('smoke', ['-e', `GATEWAY=${backend.url}`, ...loose.flatMap((v) => ['-e', v])], 80_000);
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    const files = readdirSync(result.reportDir);
    const json = files.find((f) => f.endsWith('.json'));
    const html = files.find((f) => f.endsWith('.html'));
    assert.ok(json !== undefined && html !== undefined, `report files: ${files.join(', ')}`);
    const report = JSON.parse(readFileSync(join(result.reportDir, json), 'utf8')) as Report;
    assert.equal(report.passed, true);
    assert.ok(report.thresholds.length >= 7);
    assert.ok((report.summary.metrics.iterations?.values.count ?? 0) >= 50);
    assert.ok((report.summary.metrics.input_latency?.values.avg ?? 0) > 0);
    assert.ok(report.timeline.some((p) => p.vus === 50 && (p.counters.snapshots ?? 0) > 0));
    const page = readFileSync(join(result.reportDir, html), 'utf8');
    assert.equal((page.match(/<svg /g) ?? []).length, 6);
    // A rate's passes and fails are counts, not percentages.
    assert.match(page, /<td>checks<\/td><td>rate<\/td><td>rate=100\.00% {2}passes=[1-9]\d* {2}fails=0<\/td>/);
    assert.doesNotMatch(page, /<script|https?:\/\/(?!www\.w3\.org)/);
  });
});

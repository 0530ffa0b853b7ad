// Every metric the dashboard queries is one the services export: the whole backend as `npm start` runs it, a player
// in a match so that latency histograms have series, and every node's /metrics scraped as Prometheus would.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PacketFlowClient } from '@packetflow/client';
import { startBackend } from '@packetflow/launcher';
import type { Dashboard } from '../src/dashboard/dashboard.js';
import { metricsOf } from '../src/dashboard/promql-metrics.js';
import { sampleNames } from '../src/metrics/exposition.js';
import { infraFile } from '../src/paths.js';

const INPUTS = 20;
const WAIT_MS = 20_000;

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the dashboard against the services', { timeout: 120_000 }, () => {
  it('queries only metrics that some service exports once players play', async () => {
    const dashboard = JSON.parse(readFileSync(infraFile('grafana/dashboards/packetflow.json'), 'utf8')) as Dashboard;
    const dataDir = mkdtempSync(join(tmpdir(), 'infra-metrics-'));
    const backend = await startBackend({
      gatewayPort: 0,
      dataDir,
      env: { PACKETFLOW_RATE_LIMIT_EXEMPT: '127.0.0.1' },
    });
    try {
      const client = new PacketFlowClient(backend.url);
      await client.guest();
      const match = await client.joinOrCreate({ name: 'Metrics', interpolate: false });
      // Acknowledged inputs have been through the gateway, the match's ticks and a snapshot back: every histogram
      // the panels read has observed something by then.
      for (let i = 0; i < INPUTS; i++) {
        match.sendInput({ move: { x: 1, y: 0 } });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await until(() => match.ackedSequence >= INPUTS, `input ${INPUTS} to be acknowledged`);

      const exported = new Set<string>();
      for (const admin of backend.admins) {
        const response = await fetch(`${admin.url}/metrics`);
        assert.equal(response.status, 200, `${admin.nodeId} /metrics`);
        for (const name of sampleNames(await response.text())) exported.add(name);
      }
      await match.leave();

      const missing = dashboard.panels.flatMap((panel) =>
        [...new Set(panel.targets.flatMap(({ expr }) => metricsOf(expr)))]
          .filter((metric) => !exported.has(metric))
          .map((metric) => `${panel.title}: ${metric}`),
      );
      assert.deepEqual(missing, [], 'metrics the dashboard queries that no service exports');
    } finally {
      await backend.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

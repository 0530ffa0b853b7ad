import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startBackend } from '@packetflow/launcher';
import { LOOPBACK_BOTS, packetflowDriver } from '../src/swarm/packetflow-driver.js';
import { Swarm } from '../src/swarm/swarm.js';
import { until } from './support/until.js';

test('PacketFlow bots on the client SDK join the whole backend and get their inputs acknowledged', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-packetflow-driver-'));
  const backend = await startBackend({ gatewayPort: 0, dataDir, env: LOOPBACK_BOTS });
  const swarm = await Swarm.start({ driver: packetflowDriver, endpoint: backend.url, processes: 1 });
  t.after(async () => {
    await swarm.close();
    await backend.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const joined = await swarm.resize(2);
  assert.deepEqual(
    { bots: joined.bots, joins: joined.counters.joins, failed: joined.counters.joinFailures },
    {
      bots: 2,
      joins: 2,
      failed: 0,
    },
  );
  await swarm.reset();
  let report = await swarm.report();
  await until(async () => {
    report = await swarm.report();
    return report.latency.count >= 40;
  }, 'forty acknowledged inputs');
  assert.ok(report.counters.snapshots > 0);
  assert.equal(report.counters.disconnects, 0);
  assert.equal(report.bots, 2);
});

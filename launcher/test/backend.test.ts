import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type Backend, type LogLine, startBackend } from '../src/index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'launcher-test-'));

/** Asserts the node's admin endpoint is ready and exports a series of each name (a node hosting matches has theirs). */
async function assertAdmin(backend: Backend, nodeId: string, names: readonly string[]): Promise<void> {
  const admin = backend.admins.find((a) => a.nodeId === nodeId);
  assert.ok(admin, `${nodeId} has an admin endpoint`);
  assert.equal((await fetch(`${admin.url}/readyz`)).status, 200, `${nodeId} is ready`);
  const metrics = await (await fetch(`${admin.url}/metrics`)).text();
  for (const name of names) assert.match(metrics, new RegExp(`^${name}\\{`, 'm'), `${nodeId} exports ${name}`);
}
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the whole backend on one machine', () => {
  it('starts every service as its own process in one cluster, serves guest tokens, and stops them all cleanly', async () => {
    const lines: LogLine[] = [];
    const backend = await startBackend({ gatewayPort: 0, dataDir, onLine: (line) => lines.push(line) });
    try {
      assert.deepEqual(
        backend.processes.map((p) => p.name),
        ['physics', 'player-store', 'game-logic', 'gateway'],
      );
      const pids = new Set(backend.processes.map((p) => p.pid));
      assert.equal(pids.size, 4, 'four processes');
      assert.ok(!pids.has(process.pid));
      for (const name of ['physics', 'player-store', 'game-logic', 'gateway']) {
        const started = lines.find((l) => l.service === name && l.json?.msg === 'node started');
        assert.deepEqual(
          [...((started?.json?.members as string[] | undefined) ?? [])].sort(),
          ['game-logic', 'gateway', 'physics', 'player-store'],
          `${name} knows every member`,
        );
      }
      const response = await fetch(`${backend.url}/auth/guest`, { method: 'POST' });
      assert.equal(response.status, 200);
      assert.match(((await response.json()) as { playerId: string }).playerId, /^guest-/);
      const secretFile = join(dataDir, 'gateway-token-secret');
      assert.equal(statSync(secretFile).mode & 0o777, 0o600, 'the token secret is readable by its owner only');
      assert.match(readFileSync(secretFile, 'utf8'), /^[0-9a-f]{64}\n$/);
    } finally {
      await backend.stop();
    }
    for (const child of backend.processes) {
      assert.equal(await child.exited, 0, `${child.name} exited cleanly`);
      assert.equal(child.running, false);
    }
    assert.ok(lines.some((l) => l.service === 'gateway' && l.json?.msg === 'gateway stopping'));
  });

  it('hosts the three services in one process when asked, the gateway in another', async () => {
    const lines: LogLine[] = [];
    const backend = await startBackend({ gatewayPort: 0, dataDir, layout: 'together', onLine: (l) => lines.push(l) });
    try {
      assert.deepEqual(
        backend.processes.map((p) => p.name),
        ['services', 'gateway'],
      );
      const started = lines.find((l) => l.service === 'services' && l.json?.msg === 'node started');
      assert.deepEqual(started?.json?.roles, ['physics', 'player', 'match']);
      await assertAdmin(backend, 'services', ['packetflow_matches_active', 'packetflow_match_ticks_skipped_total']);
      const response = await fetch(`${backend.url}/auth/guest`, { method: 'POST' });
      assert.equal(response.status, 200);
    } finally {
      await backend.stop();
    }
    for (const child of backend.processes) assert.equal(await child.exited, 0, `${child.name} exited cleanly`);
  });

  it('hosts the whole backend in the gateway process when asked', async () => {
    const lines: LogLine[] = [];
    const backend = await startBackend({ gatewayPort: 0, dataDir, layout: 'single', onLine: (l) => lines.push(l) });
    try {
      assert.deepEqual(
        backend.processes.map((p) => p.name),
        ['backend'],
      );
      const started = lines.find((l) => l.service === 'backend' && l.json?.msg === 'node started');
      assert.deepEqual(started?.json?.roles, ['physics', 'player', 'match']);
      assert.ok(lines.some((l) => l.service === 'backend' && l.json?.msg === 'gateway listening'));
      await assertAdmin(backend, 'backend', ['packetflow_matches_active', 'packetflow_gateway_clients_connected']);
      const response = await fetch(`${backend.url}/auth/guest`, { method: 'POST' });
      assert.equal(response.status, 200);
    } finally {
      await backend.stop();
    }
    assert.equal(await backend.processes[0]!.exited, 0, 'it exited cleanly');
    assert.ok(lines.some((l) => l.service === 'backend' && l.json?.msg === 'gateway stopping'));
  });

  it('starts every service process with the Node flags it is given, so each can be profiled', async () => {
    const profiles = mkdtempSync(join(tmpdir(), 'launcher-profiles-'));
    after(() => rmSync(profiles, { recursive: true, force: true }));
    const backend = await startBackend({
      gatewayPort: 0,
      dataDir,
      layout: 'together',
      execArgv: ['--cpu-prof', `--cpu-prof-dir=${profiles}`],
    });
    const pids = backend.processes.map((p) => p.pid);
    await backend.stop();
    // Node names each profile CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile and writes it as the process exits.
    const written = readdirSync(profiles).map((file) => {
      assert.match(file, /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/);
      const profile = JSON.parse(readFileSync(join(profiles, file), 'utf8')) as { nodes: unknown[] };
      assert.ok(profile.nodes.length > 0, `${file} holds sampled functions`);
      return Number(file.split('.')[3]);
    });
    assert.deepEqual(written.sort(), pids.sort(), 'one profile from each service process, none from the launcher');
  });

  it('fails with the reason when a service cannot start, and leaves no process behind', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    const pids: number[] = [];
    const onLine = (line: LogLine) => {
      if (line.json?.msg === 'node started') pids.push(line.json.pid as number);
    };
    try {
      await assert.rejects(startBackend({ gatewayPort: taken, dataDir, onLine }), (error: Error) => {
        assert.match(error.message, /^gateway exited before its ready line \(exit code 1\)/);
        assert.match(error.message, /is the port taken/, 'with what the gateway said');
        return true;
      });
    } finally {
      blocker.close();
    }
    assert.equal(pids.length, 4, 'every node had started');
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    assert.deepEqual(alive, [], 'and none is left running');
  });
});

// The Python leaderboard under the launcher: run beside the Node services when /usr/bin/python3 can import what it
// needs, and off with one line saying how to turn it on when the Python it is given cannot.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PacketFlowClient } from '@packetflow/client';
import { type LogLine, startBackend } from '../src/index.js';
import { LEADERBOARD_PACKAGES } from '../src/leaderboard-host.js';
import { assertNoneAlive, HANG_MS, launchOnFreePorts } from './main-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'launcher-leaderboard-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

interface Board {
  readonly status: number;
  readonly body: { mode?: string; entries?: { playerId: string; name: string | null; score: number }[] };
}

async function board(url: string): Promise<Board> {
  const response = await fetch(`${url}/leaderboard?mode=touch`);
  return { status: response.status, body: (await response.json()) as Board['body'] };
}

async function boardWhen(url: string, done: (answer: Board) => boolean, what: string): Promise<Board> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answer = await board(url);
    if (done(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`no leaderboard ${what}; last: ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A Python that runs but cannot import Debian's packages: -S leaves dist-packages off its path. */
function pythonWithoutPackages(): string {
  const file = join(dataDir, 'python-without-packages');
  writeFileSync(file, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
  chmodSync(file, 0o755);
  return file;
}

describe('the Python leaderboard under the launcher', { timeout: 4 * HANG_MS }, () => {
  it('runs it beside the services: a player who leaves a match is on the board the gateway serves', async () => {
    const lines: LogLine[] = [];
    const dir = join(dataDir, 'on');
    const backend = await startBackend({
      gatewayPort: 0,
      dataDir: dir,
      leaderboard: true,
      onLine: (l) => lines.push(l),
    });
    try {
      assert.equal(backend.leaderboardOff, undefined);
      assert.deepEqual(
        backend.processes.map((p) => p.name),
        ['leaderboard', 'physics', 'player-store', 'game-logic', 'gateway'],
      );
      const started = lines.find((l) => l.service === 'leaderboard' && l.json?.msg === 'node started');
      assert.deepEqual(started?.json?.roles, ['leaderboard']);
      assert.equal(started?.json?.store, join(dir, 'leaderboard.sqlite'));
      assert.equal(backend.admins.length, 4, 'an admin endpoint for each Node service, none for Python');
      await boardWhen(backend.url, (a) => a.status === 200, 'answer');

      const client = new PacketFlowClient(backend.url);
      const { playerId } = await client.guest();
      const match = await client.create({ name: 'Ada' });
      await match.leave();
      const answer = await boardWhen(
        backend.url,
        (a) => a.body.entries?.some((e) => e.playerId === playerId) === true,
        `entry for ${playerId}`,
      );
      assert.deepEqual(answer.body, { mode: 'touch', entries: [{ playerId, name: 'Ada', score: 0 }] });
    } finally {
      await backend.stop();
    }
    for (const child of backend.processes) assert.equal(await child.exited, 0, `${child.name} exited cleanly`);
    assert.ok(existsSync(join(dir, 'leaderboard.sqlite')), 'its boards are in the data directory');
  });

  it('npm start with a Python that lacks flatbuffers prints one line saying it is off, and runs the rest', async () => {
    const python = pythonWithoutPackages();
    const { launcher, gatewayPort } = await launchOnFreePorts({ PACKETFLOW_PYTHON: python });
    let pids = new Map<string, number>();
    try {
      pids = await launcher.servicePids();
      assert.deepEqual([...pids.keys()], ['physics', 'player-store', 'game-logic', 'gateway']);
      const off = [...launcher.stdout, ...launcher.stderr].filter((line) => /leaderboard/i.test(line));
      assert.deepEqual(off, [
        `  leaderboard off: ${python} has no flatbuffers module; to turn it on: ${LEADERBOARD_PACKAGES}`,
      ]);
      const answer = await board(`http://127.0.0.1:${gatewayPort}`);
      assert.equal(answer.status, 503);
      assert.match(
        JSON.stringify(answer.body),
        /leaderboard unavailable: no live member of the cluster hosts actor kind/,
      );
      assert.equal((await fetch(`http://127.0.0.1:${gatewayPort}/auth/guest`, { method: 'POST' })).status, 200);
      launcher.signal('SIGINT');
      assert.deepEqual(await launcher.exitWithin(), { code: 0, signal: null });
    } finally {
      launcher.kill(pids.values());
    }
    assertNoneAlive(pids.values(), 'no service outlives main');
  });
});

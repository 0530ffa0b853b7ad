// `npm run chaos` for real, short: the chaos CLI starts launcher/dist/src/main.js, plays 6 bots, SIGKILLs one
// service drawn by the seed among game-logic and physics, and reports. The figures are the run's to report, not the
// test's to judge; it checks that the kill, the restart and the snapshots after it are in the report, and that no
// process of the run is left.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ChaosReport } from '../src/chaos/player-report.js';
import { scratchDir } from './scratch-dir.js';

const MAIN = new URL('../src/chaos/main.js', import.meta.url).pathname;
// Only against a hang: a run that never ends fails instead of holding the suite.
const HANG_MS = 90_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function runChaos(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`chaos did not finish:\n${output}`));
    }, HANG_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm run chaos', { timeout: HANG_MS + 10_000 }, () => {
  it('kills a service once, sees it restarted and the players fed again, and leaves no process behind', async () => {
    const json = join(scratchDir('chaos-report-'), 'report.json');
    const args = ['--vus', '6', '--duration', '20s', '--every', '10s', '--seed', '1'];
    const { code, output } = await runChaos([...args, '--services', 'game-logic,physics', '--json', json]);
    assert.equal(code, 0, output);
    const report = JSON.parse(readFileSync(json, 'utf8')) as ChaosReport & { pids: number[] };

    assert.equal(report.kills.length, 1, output);
    const [kill] = report.kills;
    assert.ok(kill!.service === 'game-logic' || kill!.service === 'physics');
    assert.equal(typeof kill!.pid, 'number', 'a running process was killed');
    assert.equal(typeof kill!.newPid, 'number', 'the launcher restarted it');
    assert.notEqual(kill!.newPid, kill!.pid);
    assert.ok(kill!.upAfterMs !== undefined && kill!.upAfterMs > 0, 'and said it was up again');
    assert.ok(kill!.players > 0, 'players were in a match at the kill');
    assert.ok(kill!.received > 0, 'and got snapshots after it');
    assert.equal(report.byService.length, 1);
    assert.ok(report.stats.players >= 6, 'every bot saw a match');
    assert.match(output, new RegExp(`SIGKILL ${kill!.service} \\(pid ${kill!.pid}\\)`));
    assert.match(output, /What the players in a match at each kill saw until the next kill:/);

    assert.ok(report.pids.length >= 6, 'main.js, four services and the restarted one');
    assert.deepEqual(report.pids.filter(isAlive), [], 'main.js and every service it ran are gone');
  });

  it('says what is wrong with a bad option and starts nothing', async () => {
    const { code, output } = await runChaos(['--every', '30s', '--duration', '40s']);
    assert.equal(code, 2);
    assert.match(output, /--duration must be at least twice --every/);
    assert.doesNotMatch(output, /starting the backend/);
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { formatSummary, readCpuProfile, topFunctions } from '../src/profile/cpu-profile.js';
import { cpuProfileFlags, gatherProfiles } from '../src/profile/service-profiles.js';

const busyChild = join(import.meta.dirname, 'fixtures', 'busy-child.js');
const root = join(import.meta.dirname, '..', '..', '..');

/** Runs the busy fixture under --cpu-prof into `dir`; resolves with its pid once it has exited. */
function profiledChild(dir: string): Promise<number> {
  const child = spawn(process.execPath, [...cpuProfileFlags(dir), busyChild, '300'], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(child.pid!) : reject(new Error(`exit code ${code}`))));
  });
}

describe('CPU profiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-profile-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('gathered by service name; the top function by self time is the one the process spent its time in', async () => {
    const [first, second] = await Promise.all([profiledChild(dir), profiledChild(dir)]);
    const prefix = `test-${process.pid}`;
    const profiles = gatherProfiles(
      dir,
      new Map([
        [first, 'one'],
        [second, 'two'],
      ]),
      prefix,
    );
    after(() => {
      for (const { path } of profiles) rmSync(path, { force: true });
    });
    assert.deepEqual(profiles.map((p) => p.service).sort(), ['one', 'two']);
    for (const { service, path } of profiles)
      assert.ok(path.endsWith(`${prefix}-${service}.cpuprofile`) && existsSync(path));

    const profile = readCpuProfile(profiles[0]!.path);
    const whole = topFunctions(profile, { count: 5, root });
    const top = whole.top[0]!;
    assert.equal(top.functionName, 'spinForProfile');
    assert.equal(top.location, 'bench/dist/test/fixtures/busy-child.js:2');
    assert.ok(top.percent > 50, `${top.percent} % of the busy time`);
    assert.ok(whole.busyMs <= whole.sampledMs);
    assert.ok(whole.top.length <= 5);
    assert.match(
      formatSummary('one', whole)[1]!,
      /% +\d+ ms {2}spinForProfile {2}bench\/dist\/test\/fixtures\/busy-child\.js:2$/,
    );

    const before = topFunctions(profile, { count: 5, root, window: { start: 0, end: profile.startTime - 1 } });
    assert.deepEqual(before, { sampledMs: 0, busyMs: 0, top: [] }, 'no sample falls in a window before the profile');
  });

  test('a profile from a process the bench did not start, or a file that is no profile, is a clear error', async () => {
    const own = mkdtempSync(join(tmpdir(), 'bench-profile-test-'));
    after(() => rmSync(own, { recursive: true, force: true }));
    const pid = await profiledChild(own);
    assert.throws(
      () => gatherProfiles(own, new Map([[pid + 1, 'other']]), 'test'),
      /is from pid \d+, not one of the services/,
    );

    const notProfile = join(own, 'not.cpuprofile');
    writeFileSync(notProfile, JSON.stringify({ hello: 'world' }));
    assert.throws(() => readCpuProfile(notProfile), /is not a V8 CPU profile/);
  });
});

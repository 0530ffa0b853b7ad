import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, symlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnInRoot, TRIXIE_NODE_VERSION, type TrixieRoot, trixieRoot, trixieRootUnavailable } from '../src/index.js';

const repoRoot = join(import.meta.dirname, '..', '..', '..', '..');
const testingDist = join(import.meta.dirname, '..', 'src', 'index.js');
const unavailable = trixieRootUnavailable();
const BUILD_TIMEOUT_MS = 10 * 60_000;

let cached: Promise<TrixieRoot> | undefined;
function root(): Promise<TrixieRoot> {
  cached ??= trixieRoot();
  return cached;
}

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A folder of links to every program in the machine's bin and sbin folders but `without`. */
async function pathWithout(without: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'packetflow-path-'));
  for (const bin of ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    if (!existsSync(bin)) continue;
    for (const name of readdirSync(bin)) {
      if (name === without || existsSync(join(dir, name))) continue;
      symlinkSync(join(bin, name), join(dir, name));
    }
  }
  return dir;
}

test('trixieRootUnavailable names each tool missing from PATH, and nothing when all are there', async () => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    assert.match(trixieRootUnavailable() ?? '', /needs (Linux|root)/);
    return;
  }
  assert.equal(unavailable, undefined);
  for (const tool of ['debootstrap', 'chroot', 'unshare']) {
    const dir = await pathWithout(tool);
    try {
      assert.equal(trixieRootUnavailable({ path: dir }), `the Node 24 root needs ${tool}, not found on PATH`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  assert.equal(trixieRootUnavailable({ path: '' }), trixieRootUnavailable({ path: '/nonexistent' }));
  assert.match(
    trixieRootUnavailable({ path: '' }) ?? '',
    /needs debootstrap, unshare, chroot, mount, flock, tar, npm,/,
  );
});

test(`the root runs Node ${TRIXIE_NODE_VERSION} and loads the btc-vision uWebSockets.js through shared/uws`, {
  skip: unavailable,
  timeout: BUILD_TIMEOUT_MS,
}, async () => {
  const r = await root();
  assert.ok(existsSync(join(r.dir, r.node.slice(1))), `${r.node} is in ${r.dir}`);
  const version = await finished(
    spawnInRoot(r, r.node, ['-p', 'process.version'], { binds: [], cwd: '/', stdio: 'pipe' }),
  );
  assert.deepEqual(version, { code: 0, signal: null, stdout: `${r.nodeVersion}\n`, stderr: '' });
  assert.equal(r.nodeVersion, `v${TRIXIE_NODE_VERSION}`);

  const script = "const { nativeBuild } = await import('uWebSockets.js'); console.log(JSON.stringify(nativeBuild));";
  const uws = await finished(
    spawnInRoot(r, r.node, ['--input-type=module', '-e', script], { binds: [repoRoot], cwd: repoRoot, stdio: 'pipe' }),
  );
  assert.equal(uws.code, 0, uws.stderr);
  const build = JSON.parse(uws.stdout);
  assert.match(build.name, /^@btc-vision\/uwebsockets\.js@/);
  assert.equal(build.fallback, false);
  assert.equal(build.file, join(repoRoot, 'node_modules', 'uws-btc-vision', 'uws_linux_x64_137.node'));
});

test('a signal sent to the child reaches the command itself', {
  skip: unavailable,
  timeout: BUILD_TIMEOUT_MS,
}, async () => {
  const r = await root();
  const script =
    "process.on('SIGTERM', () => { console.log('SIGTERM'); process.exit(0); }); console.log(process.pid); setInterval(() => {}, 1000);";
  const child = spawnInRoot(r, r.node, ['-e', script], { binds: [], cwd: '/', stdio: 'pipe' });
  const done = finished(child);
  const pid = await new Promise<string>((resolve) =>
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString())),
  );
  assert.equal(Number(pid.trim()), child.pid, 'the command runs as the returned child: every wrapper exec-ed');
  child.kill('SIGTERM');
  const result = await done;
  assert.equal(result.stdout, `${pid}SIGTERM\n`);
  assert.deepEqual([result.code, result.signal], [0, null]);
});

test('binds, cwd and env reach the command; /tmp is its own; localhost resolves for IPv4 and IPv6; redis-server is there', {
  skip: unavailable,
  timeout: BUILD_TIMEOUT_MS,
}, async () => {
  const r = await root();
  const shared = await mkdtemp(join(tmpdir(), 'packetflow-bind-'));
  try {
    await writeFile(join(shared, 'in.txt'), 'from the machine');
    const script = [
      "const fs = require('node:fs');",
      "const dns = require('node:dns/promises');",
      "fs.writeFileSync('/tmp/private.txt', 'x');",
      "fs.writeFileSync('out.txt', fs.readFileSync('in.txt', 'utf8') + ' and back, ' + process.env.GREETING);",
      "dns.lookup('localhost', { all: true }).then((all) => console.log(all.map((a) => a.address).sort().join(' ')));",
    ].join('\n');
    const run = await finished(
      spawnInRoot(r, 'node', ['-e', script], { binds: [shared], cwd: shared, env: { GREETING: 'hi' }, stdio: 'pipe' }),
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '127.0.0.1 ::1\n');
    assert.equal(await readFile(join(shared, 'out.txt'), 'utf8'), 'from the machine and back, hi');
    assert.equal(existsSync(join(r.dir, 'tmp', 'private.txt')), false, '/tmp inside is a tmpfs of its own');
    const mounts = await readFile('/proc/self/mountinfo', 'utf8');
    assert.ok(!mounts.includes(r.dir), "the root's mounts were never in this process's mount namespace");

    const redis = await finished(spawnInRoot(r, 'redis-server', ['--version'], { binds: [], cwd: '/', stdio: 'pipe' }));
    assert.equal(redis.code, 0, redis.stderr);
    assert.match(redis.stdout, /^Redis server v=\d/);
  } finally {
    await rm(shared, { recursive: true, force: true });
  }
});

test('two processes asking for a root that is not built yet build it once and get the same one', {
  skip: unavailable,
  timeout: BUILD_TIMEOUT_MS,
}, async () => {
  const cacheDir = await mkdtemp(join(tmpdir(), 'packetflow-cache-'));
  try {
    const script = `const { trixieRoot } = await import(${JSON.stringify(testingDist)});
        const root = await trixieRoot({ onProgress: (line) => { if (line.startsWith('building')) console.log(line); } });
        console.log('dir ' + root.dir);`;
    const ask = () =>
      finished(
        spawn(process.execPath, ['--input-type=module', '-e', script], {
          env: { ...process.env, PACKETFLOW_CACHE_DIR: cacheDir },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
    const answers = await Promise.all([ask(), ask()]);
    for (const answer of answers) assert.equal(answer.code, 0, answer.stderr);
    const dirs = answers.map((a) => /^dir (.*)$/m.exec(a.stdout)?.[1]);
    assert.equal(dirs[0], dirs[1]);
    assert.ok(dirs[0]?.startsWith(`${cacheDir}/trixie-node-${TRIXIE_NODE_VERSION}-`), dirs[0]);
    const builds = answers.filter((a) => a.stdout.includes('building the Debian 13 root'));
    assert.equal(builds.length, 1, answers.map((a) => a.stdout).join('\n---\n'));
    const left = readdirSync(cacheDir).filter((name) => !name.endsWith('.lock') && !name.endsWith('.tgz'));
    assert.deepEqual(left, [dirs[0]?.slice(cacheDir.length + 1)], 'nothing half-built is left in the cache');
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
});

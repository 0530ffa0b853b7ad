// scripts/system-packages.mjs is not in a workspace (npm test runs it before anything is built), so its tests live
// here and load it by its path in the repository; the types come from its .d.mts.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type * as SystemPackagesModule from '../../../scripts/system-packages.mjs';

const repoRoot = join(import.meta.dirname, '..', '..', '..', '..');
const { SYSTEM_PACKAGES, installPlan, missingPackages, readOsRelease } = (await import(
  pathToFileURL(join(repoRoot, 'scripts', 'system-packages.mjs')).href
)) as typeof SystemPackagesModule;

const debian = { id: 'debian', idLike: [] };
const needs = (...names: string[]) => SYSTEM_PACKAGES.filter((p) => names.includes(p.apt));

describe('the system packages npm test needs', () => {
  it('are each named once, with what shows they are installed and why the tests need them', () => {
    assert.deepEqual(SYSTEM_PACKAGES.map((p) => p.apt).sort(), [
      'chromium',
      'debootstrap',
      'docker-compose',
      'flatbuffers-compiler',
      'iproute2',
      'libnunit-framework2.6.3-cil',
      'linux-perf',
      'mono-mcs',
      'nunit-console',
      'python3-flatbuffers',
      'python3-pytest',
      'python3-redis',
      'redis-server',
    ]);
    for (const p of SYSTEM_PACKAGES) {
      assert.ok((p.command === undefined) !== (p.file === undefined), `${p.apt}: a command or a file, not both`);
      assert.ok(p.why.length > 20, `${p.apt}: why`);
    }
  });

  it('are missing when their command is not on PATH or their file does not exist', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'packetflow-bin-'));
    try {
      for (const command of ['flatc', 'mcs']) {
        await writeFile(join(bin, command), '#!/bin/sh\n');
        await chmod(join(bin, command), 0o755);
      }
      await writeFile(join(bin, 'chromium'), 'not executable');
      const withFile = [...needs('flatbuffers-compiler', 'mono-mcs', 'chromium', 'redis-server')];
      withFile.push({ apt: 'present', file: join(bin, 'flatc'), why: 'a file that exists' });
      withFile.push({ apt: 'absent', file: join(bin, 'nothing.dll'), why: 'a file that does not exist' });
      assert.deepEqual(
        missingPackages(withFile, bin).map((p) => p.apt),
        ['redis-server', 'chromium', 'absent'],
      );
      assert.deepEqual(missingPackages(withFile, '').length, 5, 'an empty PATH has no command');
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });

  it('are installed with apt-get as root on Debian, Ubuntu and distributions like them', () => {
    const missing = needs('flatbuffers-compiler', 'chromium');
    const install = {
      kind: 'install',
      commands: [
        ['apt-get', 'update', '-qq'],
        ['apt-get', 'install', '-y', '-qq', 'flatbuffers-compiler', 'chromium'],
      ],
    };
    for (const osRelease of [debian, { id: 'ubuntu', idLike: ['debian'] }, { id: 'linuxmint', idLike: ['ubuntu'] }]) {
      assert.deepEqual(installPlan({ missing, osRelease, isRoot: true, hasAptGet: true }), install, osRelease.id);
    }
    assert.deepEqual(
      installPlan({ missing: needs('chromium', 'docker-compose'), osRelease: debian, isRoot: true, hasAptGet: true }),
      {
        kind: 'install',
        commands: [
          ['apt-get', 'update', '-qq'],
          ['apt-get', 'install', '-y', '-qq', 'chromium'],
          ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'docker-compose'],
        ],
      },
      'docker-compose without the Docker engine it recommends',
    );
    assert.deepEqual(installPlan({ missing: [], osRelease: debian, isRoot: false, hasAptGet: false }), {
      kind: 'nothing',
    });
  });

  it('are named in one line with the command to run when not root, without apt-get, or not on Debian', () => {
    const missing = needs('chromium', 'debootstrap');
    const command = '`sudo apt-get update && sudo apt-get install -y chromium debootstrap`';
    assert.deepEqual(installPlan({ missing, osRelease: debian, isRoot: false, hasAptGet: true }), {
      kind: 'tell',
      line: `The tests need system packages that are missing: run ${command}, then npm test again.`,
    });
    const elsewhere = [
      { osRelease: { id: 'fedora', idLike: [] }, isRoot: true, hasAptGet: false },
      { osRelease: undefined, isRoot: false, hasAptGet: false },
      { osRelease: debian, isRoot: true, hasAptGet: false },
    ];
    for (const facts of elsewhere) {
      const plan = installPlan({ missing, ...facts });
      assert.equal(plan.kind, 'tell', JSON.stringify(facts));
      assert.ok(plan.kind === 'tell' && !plan.line.includes('\n'), 'one line');
      assert.ok(plan.kind === 'tell' && plan.line.includes(command), `${JSON.stringify(facts)} names the command`);
    }
  });
});

describe('os-release', () => {
  it("is read from this machine's file", () => {
    const release = readOsRelease('/etc/os-release');
    assert.match(release.id, /^[a-z0-9._-]+$/);
  });

  it('reads quoted values and ID_LIKE lists, and fails naming the file and the key when broken', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'packetflow-os-release-'));
    try {
      const file = join(dir, 'os-release');
      await writeFile(file, '# Mint\nNAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n\nVERSION_ID=\'22\'\n');
      assert.deepEqual(readOsRelease(file), { id: 'linuxmint', idLike: ['ubuntu', 'debian'] });

      const real = await readFile('/etc/os-release', 'utf8');
      await writeFile(file, real.replace(/^ID=.*$/m, ''));
      assert.throws(() => readOsRelease(file), { message: `${file}: ID: missing (the distribution's name)` });
      await writeFile(file, real.replace(/^ID=(.*)$/m, 'ID $1'));
      assert.throws(() => readOsRelease(file), new RegExp(`^Error: ${file}:\\d+: ID: not KEY=value$`));
      await writeFile(file, `${real.replace(/^ID_LIKE=.*$/m, '')}\nID_LIKE="debian\n`);
      assert.throws(() => readOsRelease(file), new RegExp(`^Error: ${file}:\\d+: ID_LIKE: not KEY=value$`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

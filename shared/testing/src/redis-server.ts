import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export type RedisAppendFsync = 'always' | 'everysec' | 'no';

/** Children still running when the test process exits are killed with it, so a failed test leaves no redis behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * A real `redis-server` of the test's own on a free port of 127.0.0.1, in a temporary directory, never the one the
 * machine may run on 6379. Persistence is off unless `appendonly`, so a restart after `kill` comes back empty.
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private output = '';
  private stopped = false;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly appendonly: boolean,
    private readonly appendfsync: RedisAppendFsync | undefined,
  ) {}

  /**
   * `appendonly` turns the AOF on; `appendfsync` (with it) says when Redis fsyncs it: `always` before every reply,
   * so an acknowledged write survives a SIGKILL of redis-server; Redis's default is `everysec`.
   */
  static async start(options: { appendonly?: boolean; appendfsync?: RedisAppendFsync } = {}): Promise<RedisServer> {
    const dir = await mkdtemp(join(tmpdir(), 'packetflow-redis-'));
    let lastError: unknown;
    // The free port can be taken between probing and redis binding it; another port then does.
    for (let attempt = 0; attempt < 5; attempt++) {
      const server = new RedisServer(await freePort(), dir, options.appendonly ?? false, options.appendfsync);
      try {
        await server.launch();
        return server;
      } catch (error) {
        lastError = error;
        await server.kill();
      }
    }
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not start redis-server: ${lastError instanceof Error ? lastError.message : lastError}`);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Kills the server (SIGKILL unless told otherwise) and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    }
    running.delete(child);
  }

  /** Starts the server again on the same port and directory; without appendonly it comes back empty. */
  async restart(): Promise<void> {
    if (this.stopped) throw new Error('redis server was stopped');
    await this.kill();
    await this.launch();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', ''];
    args.push('--appendonly', this.appendonly ? 'yes' : 'no', '--daemonize', 'no', '--loglevel', 'warning');
    if (this.appendfsync !== undefined) args.push('--appendfsync', this.appendfsync);
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    running.add(child);
    this.output = '';
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`redis-server did not start: ${error.message}`)));
      child.once('exit', (code, signal) => {
        running.delete(child);
        reject(new Error(`redis-server exited (${signal ?? code}) on port ${this.port}: ${this.output.trim()}`));
      });
    });
    failed.catch(() => undefined);
    await Promise.race([waitForPing(this.port, 10_000), failed]);
  }
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await answersPing(port))) {
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

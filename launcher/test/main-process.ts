// main.js (npm start) as a real process, for the tests that run it: main.test.ts and supervised-chaos.test.ts.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/free-port.js';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
// Only against a hang: a run that never reaches the line fails instead of holding the suite forever.
export const HANG_MS = 120_000;

const base = mkdtempSync(join(tmpdir(), 'launcher-main-'));
after(() => rmSync(base, { recursive: true, force: true }));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** main.js running with its own data directory and working directory, every line it prints kept. */
export class Launcher {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<Exit>;
  readonly dataDir: string;
  readonly cwd: string;
  private readonly child: ChildProcess;
  private readonly waiters: { pattern: RegExp; left: number; resolve: (match: RegExpMatchArray) => void }[] = [];
  private exit: Exit | undefined;

  constructor(env: Record<string, string>) {
    this.cwd = mkdtempSync(join(base, 'run-'));
    this.dataDir = join(this.cwd, 'packetflow-data');
    this.child = spawn(process.execPath, [MAIN], {
      cwd: this.cwd,
      env: { ...process.env, PACKETFLOW_DATA_DIR: this.dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: this.child[stream]! }).on('line', (line) => {
        this[stream].push(line);
        for (let i = this.waiters.length - 1; i >= 0; i--) {
          const waiter = this.waiters[i]!;
          const match = line.match(waiter.pattern);
          if (match && --waiter.left === 0) this.waiters.splice(i, 1)[0]!.resolve(match);
        }
      });
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  /** The `nth` line (the first unless set), printed before or after now, on stdout or on stderr, that matches. */
  async line(pattern: RegExp, nth = 1): Promise<RegExpMatchArray> {
    const seen = [...this.stdout, ...this.stderr].map((line) => line.match(pattern)).filter((match) => match !== null);
    if (seen.length >= nth) return seen[nth - 1]!;
    let timer: NodeJS.Timeout | undefined;
    const match = await Promise.race([
      new Promise<RegExpMatchArray>((resolve) => this.waiters.push({ pattern, left: nth - seen.length, resolve })),
      this.exited.then((exit) => {
        throw new Error(`main exited (${JSON.stringify(exit)}) before printing ${pattern}; ${this.output()}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no line ${pattern} from main; ${this.output()}`)), HANG_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    return match;
  }

  /** The services' pids from the line main prints once everything listens, by service name. */
  async servicePids(): Promise<Map<string, number>> {
    const [, list] = await this.line(/^PacketFlow is running: (.*)$/);
    return new Map([...list!.matchAll(/([\w-]+) \(pid (\d+)\)/g)].map(([, name, pid]) => [name!, Number(pid)]));
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async exitWithin(): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`main did not exit; ${this.output()}`)), HANG_MS);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** After a failed test: nothing it started may outlive it, least of all services main can no longer stop. */
  kill(pids: Iterable<number>): void {
    if (this.exit === undefined) this.child.kill('SIGKILL');
    for (const pid of pids) {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  }

  /** Everything main printed so far, for a failure message. */
  output(): string {
    return `its stdout:\n${this.stdout.join('\n')}\nits stderr:\n${this.stderr.join('\n')}`;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * main.js on a gateway port and a web port of its own, so that tests and a developer's npm start do not collide;
 * `env` over its environment.
 */
export async function launchOnFreePorts(
  env: Record<string, string> = {},
): Promise<{ launcher: Launcher; gatewayPort: number; webPort: number }> {
  const gatewayPort = await freePort();
  let webPort = await freePort();
  while (webPort === gatewayPort) webPort = await freePort();
  const launcher = new Launcher({
    PACKETFLOW_GATEWAY_PORT: String(gatewayPort),
    PACKETFLOW_WEB_PORT: String(webPort),
    ...env,
  });
  return { launcher, gatewayPort, webPort };
}

export function assertNoneAlive(pids: Iterable<number>, message: string): void {
  assert.deepEqual([...pids].filter(isAlive), [], message);
}

/** The longest wait between two snapshot arrivals (`at`: performance.now()) from index `from` on, in ms. */
export function longestGap(arrivals: readonly { readonly at: number }[], from: number): number {
  let longest = 0;
  for (let i = Math.max(from, 1); i < arrivals.length; i++) {
    longest = Math.max(longest, arrivals[i]!.at - arrivals[i - 1]!.at);
  }
  return longest;
}

// One program running inside a host's namespace: every line it prints, kept with the time it arrived.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Host } from './namespaces.js';

/** Milliseconds on a clock every process on this machine shares, so a bot's times compare with the test's. */
export const clock = (): number => performance.timeOrigin + performance.now();

export interface OutputLine {
  readonly host: string;
  readonly at: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export class HostProcess {
  readonly lines: OutputLine[] = [];
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly listeners = new Set<(line: OutputLine) => void>();
  private done = false;

  constructor(
    readonly host: Host,
    command: readonly string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn('ip', ['netns', 'exec', host.namespace, ...command], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: this.child[stream]! }).on('line', (text) => {
        const line = { host: host.name, at: clock(), stream, text };
        this.lines.push(line);
        for (const listener of this.listeners) listener(line);
      });
    }
    this.exited = new Promise((resolve) =>
      this.child.once('exit', () => {
        this.done = true;
        resolve();
      }),
    );
  }

  get running(): boolean {
    return !this.done;
  }

  onLine(listener: (line: OutputLine) => void): void {
    this.listeners.add(listener);
  }

  /** The first line from now on that `match` accepts. */
  waitFor(match: (text: string) => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const listener = (line: OutputLine) => {
        if (!match(line.text)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        const tail = this.lines
          .slice(-15)
          .map((l) => l.text)
          .join('\n');
        reject(new Error(`${this.host.name}: no ${what} within ${timeoutMs} ms; its last output:\n${tail}`));
      }, timeoutMs);
      this.listeners.add(listener);
      void this.exited.then(() => {
        if (this.listeners.has(listener)) {
          clearTimeout(timer);
          this.listeners.delete(listener);
          reject(new Error(`${this.host.name} exited before ${what}; its last output:\n${this.lines.at(-15)?.text}`));
        }
      });
    });
  }

  write(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** SIGKILL: `ip netns exec` execs the command, so the pid is the program's own. */
  async kill(): Promise<void> {
    if (this.done) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

// One service running as a child process: its JSON log lines, the line that says it is ready, and a clean stop.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface LogLine {
  readonly service: string;
  readonly stream: 'stdout' | 'stderr';
  /** The raw line as the service printed it. */
  readonly text: string;
  /** The line parsed as JSON, when it is a JSON object (every service logs JSON lines). */
  readonly json: Record<string, unknown> | undefined;
}

/** Every child still running when the launcher exits is killed with it, so none outlives a crash of the launcher. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class ServiceProcess {
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly waiters: { match: (line: LogLine) => boolean; resolve: (line?: LogLine) => void }[] = [];
  private readonly tail: string[] = [];
  private exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    /** A Node program's file, run with `execArgv`; or a program of its own and its arguments. */
    entry: string | { readonly program: string; readonly args: readonly string[] },
    env: NodeJS.ProcessEnv,
    private readonly onLine: (line: LogLine) => void,
    execArgv: readonly string[] = [],
  ) {
    const [program, args] =
      typeof entry === 'string' ? [process.execPath, [...execArgv, entry]] : [entry.program, [...entry.args]];
    // Its own process group: Ctrl-C reaches the launcher only, which stops the services in order.
    // The IPC channel closing tells the service that the launcher is gone, even when it was SIGKILLed.
    this.child = spawn(program, args, {
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    running.add(this.child);
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: this.child[stream]! }).on('line', (text) => this.line(stream, text));
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        running.delete(this.child);
        this.exitCode = code ?? (signal === null ? null : -1);
        for (const waiter of this.waiters.splice(0)) waiter.resolve();
        resolve(code);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The signal that ended it (`SIGKILL` from the OOM killer or a person), null while it runs or after an exit. */
  get exitSignal(): NodeJS.Signals | null {
    return this.child.signalCode;
  }

  /** The last lines it printed, for an error message when it fails. */
  get recentOutput(): string {
    return this.tail.join('\n');
  }

  /** The first line, from now on, that `match` accepts; rejects if the process exits or `timeoutMs` passes first. */
  async waitFor(match: (line: LogLine) => boolean, what: string, timeoutMs: number): Promise<LogLine> {
    if (!this.running) throw this.failure(`exited before ${what}`);
    let timer: NodeJS.Timeout | undefined;
    const line = await new Promise<LogLine | undefined>((resolve) => {
      this.waiters.push({ match, resolve });
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    clearTimeout(timer);
    if (line === undefined)
      throw this.failure(this.running ? `no ${what} within ${timeoutMs} ms` : `exited before ${what}`);
    return line;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves with its exit code. */
  async stop(graceMs = 15_000): Promise<number | null> {
    if (!this.running) return this.exited;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  private line(stream: 'stdout' | 'stderr', text: string): void {
    let json: Record<string, unknown> | undefined;
    if (text.startsWith('{')) {
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
    }
    const line: LogLine = { service: this.name, stream, text, json };
    this.tail.push(text);
    if (this.tail.length > 20) this.tail.shift();
    this.onLine(line);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (waiter.match(line)) {
        this.waiters.splice(i, 1);
        waiter.resolve(line);
      }
    }
  }

  private failure(what: string): Error {
    const code = this.exitCode === undefined ? '' : ` (exit code ${this.exitCode})`;
    return new Error(`${this.name} ${what}${code}; its last output:\n${this.recentOutput}`);
  }
}

// `npm start`'s backend as the chaos run's child: launcher/dist/src/main.js as a real process, on free ports, a data
// directory of the run's own and the loopback address exempt from the gateway's per-address limits (every bot comes
// from there). Its services' pids, and every death, restart and recovery, are read from the lines main.js prints.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SERVICES, type ServiceName } from './kill-schedule.js';

/** The launcher from this package's build (dist/src/chaos), in the same repository. */
export const LAUNCHER_MAIN = fileURLToPath(new URL('../../../../launcher/dist/src/main.js', import.meta.url));

/** Lines kept for the message when the backend fails. */
const KEPT_LINES = 30;
/** How long a requested stop may take (the gateway writes every player's stats first) before it is a kill. */
const STOP_GRACE_MS = 30_000;

export type SupervisorLine =
  | { readonly kind: 'died'; readonly service: ServiceName; readonly pid: number; readonly how: string }
  | { readonly kind: 'restarted'; readonly service: ServiceName; readonly pid: number }
  | { readonly kind: 'recovered'; readonly service: ServiceName; readonly pid: number }
  | { readonly kind: 'gave-up'; readonly service: ServiceName; readonly pid: number };

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const SERVICE = `(${SERVICES.join('|')})`;
const PATTERNS: readonly [SupervisorLine['kind'], RegExp][] = [
  ['died', new RegExp(`^${SERVICE} \\(pid (\\d+)\\) died \\((.*?)\\); restarting it`)],
  ['restarted', new RegExp(`^${SERVICE} restarted: pid (\\d+)$`)],
  ['recovered', new RegExp(`^${SERVICE} \\(pid (\\d+)\\) is up again`)],
  ['gave-up', new RegExp(`^${SERVICE} \\(pid (\\d+)\\) died .* the restart budget is exhausted`)],
];

/** A supervisor line main.js printed, read; undefined for any other line. */
export function readSupervisorLine(line: string): SupervisorLine | undefined {
  for (const [kind, pattern] of PATTERNS) {
    const match = line.match(pattern);
    if (match === null) continue;
    const service = match[1] as ServiceName;
    const pid = Number(match[2]);
    return kind === 'died' ? { kind, service, pid, how: match[3]! } : { kind, service, pid };
  }
  return undefined;
}

export class BackendError extends Error {
  override readonly name = 'BackendError';
}

export class LauncherProcess {
  /** The services' pids now: each replaced by the new one as main.js reports a restart. */
  readonly pids = new Map<ServiceName, number>();
  /** Every pid main.js ran a service as, and main.js's own: what must be gone once the run is over. */
  readonly everyPid = new Set<number>();
  /** The gateway's logged writes of a leaving player's stats that failed. */
  statsNotWritten = 0;
  /** Set when main.js said its restart budget was exhausted. */
  gaveUp: SupervisorLine | undefined;
  url = '';
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;
  private readonly lines: string[] = [];
  private readonly listeners = new Set<(line: SupervisorLine, at: number) => void>();
  private whenRunning: () => void = () => {};

  private constructor(private readonly child: ChildProcess) {
    this.everyPid.add(child.pid!);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => this.read(line));
    }
    // Whatever way this process ends, main.js and its services do not outlive it. Once main.js has exited it has
    // stopped them itself, and their pids may be someone else's by then.
    process.once('exit', () => {
      if (this.running) this.killAll();
    });
  }

  /**
   * Starts main.js and resolves once it prints that PacketFlow is running; rejects with a BackendError (its last
   * lines) if it exits first.
   */
  static async start(dataDir: string): Promise<LauncherProcess> {
    const child = spawn(process.execPath, [LAUNCHER_MAIN], {
      env: {
        ...process.env,
        PACKETFLOW_DATA_DIR: dataDir,
        PACKETFLOW_GATEWAY_PORT: '0',
        PACKETFLOW_WEB_PORT: '0',
        PACKETFLOW_RATE_LIMIT_EXEMPT: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C meant for the chaos run reaches main.js through the run, which stops it in
      // order after the bots, not at once beside them.
      detached: true,
    });
    const launcher = new LauncherProcess(child);
    await new Promise<void>((resolve, reject) => {
      const spawnFailed = (error: Error) =>
        reject(new BackendError(`could not run ${LAUNCHER_MAIN}: ${error.message}`));
      child.once('error', spawnFailed);
      launcher.whenRunning = () => {
        child.off('error', spawnFailed);
        resolve();
      };
      void launcher.exited.then((exit) =>
        reject(new BackendError(`main.js exited (${describeExit(exit)}) before it was running:\n${launcher.tail()}`)),
      );
    });
    return launcher;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Calls `listener` with every supervisor line from now on, and when it came. */
  onSupervisorLine(listener: (line: SupervisorLine, at: number) => void): void {
    this.listeners.add(listener);
  }

  /** SIGKILLs the service's current process; the pid killed, or undefined when it is not running. */
  kill(service: ServiceName): number | undefined {
    const pid = this.pids.get(service);
    if (pid === undefined) return undefined;
    try {
      process.kill(pid, 'SIGKILL');
      return pid;
    } catch {
      return undefined;
    }
  }

  /** Stops the backend as Ctrl-C does (the gateway first: every player leaves and has their stats written). */
  async stop(): Promise<Exit> {
    if (this.exit !== undefined) return this.exit;
    this.child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      this.exited,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), STOP_GRACE_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    if (exit !== undefined) return exit;
    this.killAll();
    return this.exited;
  }

  /** The last lines main.js printed. */
  tail(): string {
    return this.lines.map((line) => `  ${line}`).join('\n');
  }

  private read(line: string): void {
    this.lines.push(line);
    if (this.lines.length > KEPT_LINES) this.lines.shift();
    const running = line.match(/^PacketFlow is running: (.*)$/);
    if (running !== null) {
      for (const [, name, pid] of running[1]!.matchAll(/([\w-]+) \(pid (\d+)\)/g))
        this.track(name as ServiceName, pid!);
      return;
    }
    const clients = line.match(/^ {2}clients connect to\s+ws:\/\/(\S+)/);
    if (clients !== null) {
      this.url = `http://${clients[1]}`;
      this.whenRunning();
      return;
    }
    // Only the service name and the message are matched: main.js's rendering of a log line is not the point here.
    if (/^gateway\s.*\bERROR\b.*player left, stats not written/.test(line)) this.statsNotWritten++;
    const event = readSupervisorLine(line);
    if (event === undefined) return;
    if (event.kind === 'restarted') this.track(event.service, String(event.pid));
    if (event.kind === 'gave-up') this.gaveUp = event;
    const at = Date.now();
    for (const listener of this.listeners) listener(event, at);
  }

  private track(service: ServiceName, pid: string): void {
    this.pids.set(service, Number(pid));
    this.everyPid.add(Number(pid));
  }

  private killAll(): void {
    for (const pid of this.everyPid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone, as most are.
      }
    }
  }
}

export function describeExit({ code, signal }: Exit): string {
  return signal === null ? `exit code ${code}` : `killed by ${signal}`;
}

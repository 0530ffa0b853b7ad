// The bench's handle on a baseline server child process.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BaselineKind, ServerReply, ServerRequest, ServerStats } from './server.js';

const script = join(import.meta.dirname, 'server.js');
const READY = /^baseline: listening on ([\d.]+):(\d+)$/;

export interface BaselineProcess {
  readonly pid: number;
  /** The HTTP endpoint the Colyseus SDK connects to. */
  readonly endpoint: string;
  stats(): Promise<ServerStats>;
  /** Runs a full garbage collection in the server, so a memory reading holds live data rather than garbage. */
  collectGarbage(): Promise<ServerStats>;
  stop(): Promise<void>;
}

/** `execArgv`: more Node flags for the server, e.g. --cpu-prof. */
export async function startBaselineProcess(
  kind: BaselineKind = 'physics',
  execArgv: readonly string[] = [],
): Promise<BaselineProcess> {
  const child = fork(script, ['0', kind], {
    execArgv: ['--expose-gc', ...execArgv],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ready = READY.exec(line);
      if (ready) resolve(`http://${ready[1]}:${ready[2]}`);
    });
    child.once('exit', (code) => reject(new Error(`baseline server exited with code ${code} before it was ready`)));
  });
  const pending = new Map<number, (stats: ServerStats) => void>();
  let nextId = 1;
  child.on('message', (reply: ServerReply) => {
    pending.get(reply.id)?.(reply.stats);
    pending.delete(reply.id);
  });
  const request = (type: ServerRequest['type']) =>
    new Promise<ServerStats>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ id, type } satisfies ServerRequest);
    });
  return {
    pid: child.pid!,
    endpoint,
    stats: () => request('stats'),
    collectGarbage: () => request('gc'),
    stop: () => stopChild(child),
  };
}

/** How long the server may take to exit on SIGTERM (writing a CPU profile, when asked for one) before SIGKILL. */
const STOP_GRACE_MS = 5_000;

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

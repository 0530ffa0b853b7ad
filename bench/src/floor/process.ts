// The bench's handle on a floor server child process.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FloorReply, FloorRequest, FloorStats } from './server.js';

const script = join(import.meta.dirname, 'server.js');
const READY = /^floor: listening on ([\d.]+):(\d+)$/;

export interface FloorProcess {
  readonly pid: number;
  /** `http://<host>:<port>`, as the other servers' endpoints are given to the swarm. */
  readonly endpoint: string;
  stats(): Promise<FloorStats>;
  stop(): Promise<void>;
}

export async function startFloorProcess(): Promise<FloorProcess> {
  const child = fork(script, ['0'], { execArgv: [], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ready = READY.exec(line);
      if (ready) resolve(`http://${ready[1]}:${ready[2]}`);
    });
    child.once('exit', (code) => reject(new Error(`floor server exited with code ${code} before it was ready`)));
  });
  const pending = new Map<number, (stats: FloorStats) => void>();
  let nextId = 1;
  child.on('message', (reply: FloorReply) => {
    pending.get(reply.id)?.(reply.stats);
    pending.delete(reply.id);
  });
  return {
    pid: child.pid!,
    endpoint,
    stats: () =>
      new Promise<FloorStats>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        child.send({ id, type: 'stats' } satisfies FloorRequest);
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

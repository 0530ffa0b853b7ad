import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const script = join(import.meta.dirname, 'bench-node.js');

/** A bench-node child process, run with Node flags `execArgv`; resolves once it has joined its cluster. */
export async function startChild(env: Record<string, string>, execArgv: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...execArgv, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('"ready"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`bench node ${env.NODE_ID} exited with ${code}`)));
  });
  return child;
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export { freePort } from '@packetflow/testing';

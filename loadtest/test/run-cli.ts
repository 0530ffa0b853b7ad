// Runs the runner's CLI as `npm run loadtest` does, on a script written for the test.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from './scratch-dir.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly reportDir: string;
}

const cli = new URL('../src/runner/cli.js', import.meta.url).pathname;

/** A k6 script in a temporary folder; returns its path. */
export function writeScript(source: string): string {
  const dir = scratchDir('k6-script-');
  const path = join(dir, 'script.js');
  writeFileSync(path, source);
  return path;
}

/**
 * Runs the CLI on `target` to its end. `interrupt`, when given, is a promise after which the runner gets a SIGINT,
 * as from Ctrl-C.
 */
export function runCli(
  target: string,
  args: readonly string[] = [],
  timeoutMs = 60_000,
  interrupt?: Promise<void>,
): Promise<CliResult> {
  const reportDir = scratchDir('k6-report-');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, target, '--report-dir', reportDir, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    void interrupt?.then(() => child.kill('SIGINT'));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the runner did not finish within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, reportDir });
    });
  });
}

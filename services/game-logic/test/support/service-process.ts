import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

const services = join(import.meta.dirname, '..', '..', '..', '..');

/** A service's main as a real process: its log lines (stdout and stderr) and its admin endpoint. */
export interface ServiceProcess {
  readonly nodeId: string;
  readonly child: ChildProcess;
  /** Every line it logged so far, JSON lines from both streams. */
  readonly lines: string[];
  /** host:port of its admin endpoint, from its `node started` line. */
  readonly admin: string;
}

/** Starts `services/<service>/dist/src/main.js` as node `nodeId` with `env` over this process's environment. */
export async function startService(
  service: 'physics' | 'game-logic',
  nodeId: string,
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [join(services, service, 'dist', 'src', 'main.js')], {
    env: { ...process.env, ...env, PACKETFLOW_NODE_ID: nodeId, PACKETFLOW_ADMIN_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line));
  const admin = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.includes('node started')) resolve((JSON.parse(line) as { admin: string }).admin);
    });
    child.once('exit', (code) => reject(new Error(`${nodeId} exited with ${code}: ${lines.join('\n')}`)));
  });
  return { nodeId, child, lines, admin };
}

/** A sample of a service's /metrics: the first series of `name` whose labels include `labels`, if any. */
export async function scrapeValue(
  admin: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const families = parsePrometheusTextFormat(await (await fetch(`http://${admin}/metrics`)).text());
  const series = families
    .find((family) => family.name === name)
    ?.metrics.find((metric) => Object.entries(labels).every(([label, value]) => metric.labels?.[label] === value));
  return series === undefined ? undefined : Number(series.value);
}

export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Separate hosts in network namespaces, through faults: the end-to-end scenarios of e2e/test/hosts/faults.test.ts
// (node loss, return, partition, Redis, gateway loss, with bots playing) run as they run in `npm test`, their
// headline figures collected from the JSON lines the test records. It needs root, for the namespaces.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Figure } from '../report.js';

const GROUP = 'hosts';
const E2E = join(import.meta.dirname, '..', '..', '..', '..', 'e2e');

export async function hostsSuite(report: (figure: Figure) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-hosts-'));
  const file = join(dir, 'figures.jsonl');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--test', '--test-reporter=spec', 'dist/test/hosts/faults.test.js'], {
        cwd: E2E,
        env: { ...process.env, PACKETFLOW_HOSTS_FIGURES: file },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`the namespace scenarios failed (exit ${code}); their output is above`);
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      report({ group: GROUP, ...(JSON.parse(line) as Omit<Figure, 'group'>) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

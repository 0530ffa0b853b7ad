// `--perf`: where a server process's CPU time goes, kernel and native code included, from Linux perf sampling the
// processes under load. Node's inspector (--profile) sees JavaScript only: in the baseline room it accounted for
// under a third of the CPU time /proc counted, the rest being the kernel's TCP work, libuv, V8's own threads and
// native addons. perf sees all of it; Node's --perf-basic-prof names the JavaScript and Wasm functions.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Node flags that make a process write the map perf needs to name its JIT-compiled functions (/tmp/perf-<pid>.map).
 * They also make V8 write a code log, by default into the process's working directory: it goes into `dir` instead.
 */
export function perfNodeFlags(dir: string): string[] {
  return ['--perf-basic-prof', `--logfile=${join(dir, 'v8.log')}`, '--no-logfile-per-isolate'];
}

/** Whether `perf` is installed (Debian's linux-perf); a reason to print when it is not. */
export function perfMissing(): string | undefined {
  const probe = spawnSync('perf', ['--version'], { encoding: 'utf8' });
  return probe.error === undefined && probe.status === 0
    ? undefined
    : 'perf is not installed (apt-get install -y linux-perf): --perf needs it';
}

/**
 * Samples the processes `pids` (every thread) for `seconds` into `file`, at 999 Hz on the cpu-clock, a software
 * event every machine has, virtual ones included.
 */
export function recordPerf(pids: readonly number[], seconds: number, file: string): Promise<void> {
  const args = ['record', '-q', '-e', 'cpu-clock', '-F', '999', '-o', file, '-p', pids.join(','), '--'];
  const perf = spawn('perf', [...args, 'sleep', String(seconds)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  perf.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    perf.on('error', reject);
    perf.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`perf record exited ${code}: ${stderr}`))));
  });
}

/** What a sample's symbol says it was doing, from its shared object and name (`perf report --sort dso,sym`). */
export function categoryOf(dso: string, symbol: string): string {
  if (/wasm-function|wasm-to-js|js-to-wasm/.test(symbol)) return 'Rapier (Wasm)';
  if (dso.startsWith('[kernel')) return 'kernel (TCP, syscalls, scheduling)';
  if (dso.startsWith('uws_')) return 'uWebSockets.js native';
  if (
    /v8::internal::(Scaveng|Concurrent|Mark|Sweep|Evacuat|Heap|MinorMark|IncrementalMarking|ArrayBufferSweeper)/.test(
      symbol,
    ) ||
    /Builtins_RecordWrite/.test(symbol)
  ) {
    return 'garbage collection';
  }
  const js = /^JS:[*~^]?\S*\s+(?:file:\/\/)?(\S+)/.exec(symbol)?.[1];
  if (js !== undefined) {
    if (js.startsWith('node:')) return 'JavaScript: Node.js';
    const module = /node_modules\/(@[^/]+\/[^/]+|[^/]+)/.exec(js)?.[1];
    if (module !== undefined) return module.startsWith('@colyseus/') ? 'JavaScript: Colyseus' : 'JavaScript: libraries';
    const own = /\/(gateway|bench|launcher|services\/[^/]+|shared\/[^/]+)\//.exec(js)?.[1];
    return own === undefined ? 'JavaScript: other' : `JavaScript: ${own}`;
  }
  if (symbol.startsWith('JS:')) return 'JavaScript: other';
  if (symbol.startsWith('Builtins_')) return 'V8 builtins';
  return 'other native (Node.js, V8, libuv, libc)';
}

export interface PerfCategory {
  readonly category: string;
  /** Its share of the samples, 0–1. */
  readonly share: number;
}

/** Each category's share of the samples in `file` (of process `pid` alone when set), largest first. */
export function perfCategories(file: string, pid?: number): PerfCategory[] {
  const report = spawnSync(
    'perf',
    [
      'report',
      '-i',
      file,
      '--stdio',
      '--no-children',
      '-g',
      'none',
      '--sort',
      'dso,sym',
      '--percent-limit',
      '0',
      ...(pid === undefined ? [] : ['--pid', String(pid)]),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (report.status !== 0) throw new Error(`perf report failed: ${report.stderr}`);
  const shares = new Map<string, number>();
  for (const line of report.stdout.split('\n')) {
    // `  4.20%  [JIT] tid 23159   [.] JS:wasm-function[34]-34-turbofan`: the shared object may hold spaces.
    const row = /^\s*([\d.]+)%\s+(.+?)\s+\[[.k]\]\s+(.*)$/.exec(line);
    if (row === null) continue;
    const category = categoryOf(row[2] as string, (row[3] as string).trim());
    shares.set(category, (shares.get(category) ?? 0) + Number(row[1]) / 100);
  }
  // perf gives a process's samples as shares of every process's: made shares of its own.
  const sampled = [...shares.values()].reduce((sum, share) => sum + share, 0);
  return [...shares]
    .map(([category, share]) => ({ category, share: sampled === 0 ? 0 : share / sampled }))
    .sort((a, b) => b.share - a.share);
}

/** Removes the symbol maps Node wrote for perf (`/tmp/perf-<pid>.map`, several MB each) once their report is read. */
export function removePerfMaps(pids: readonly number[]): void {
  for (const pid of pids) {
    const map = `/tmp/perf-${pid}.map`;
    if (existsSync(map)) rmSync(map);
  }
}

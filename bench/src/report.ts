import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** One measured figure and the target it is held to. */
export interface Figure {
  group: string;
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "≥ 2 M/s"; empty when the figure is only reported. */
  target: string;
  /** Whether the target is met; undefined when the figure is only reported. */
  met?: boolean;
  note?: string;
}

export function atLeast(value: number, min: number): boolean {
  return value >= min;
}

export function atMost(value: number, max: number): boolean {
  return value <= max;
}

export function formatValue(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })} ${unit}`;
}

function verdict(f: Figure): string {
  if (f.met === undefined) return 'reported';
  return f.met ? 'met' : 'MISSED';
}

export function printFigure(f: Figure): void {
  const target = f.target ? `target ${f.target}` : '';
  console.log(
    `${`[${f.group}] ${f.name}`.padEnd(62)} ${formatValue(f.value, f.unit).padStart(18)}   ${target.padEnd(20)} ${verdict(f)}`,
  );
}

function rowOf(f: Figure): string {
  return `| ${f.group} | ${f.name} | ${formatValue(f.value, f.unit)} | ${f.target || '—'} | ${verdict(f)} | ${f.note ?? ''} |`;
}

/**
 * Writes BENCHMARKS.md. A run of some suites only (`npm run bench -- hosts`) replaces the rows of the groups it
 * measured, where they stood, and keeps every other row as the last full run wrote it, saying so in the header.
 */
export function writeMarkdown(path: string, figures: Figure[], options: { partial?: boolean } = {}): void {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const now = new Date().toISOString();
  let rows = figures.map(rowOf);
  let run = `Run: ${now}.`;
  if (options.partial && existsSync(path)) {
    const old = readFileSync(path, 'utf8').split('\n');
    const groups = new Set(figures.map((f) => f.group));
    const kept: string[] = [];
    let placed = false;
    for (const line of old.filter((l) => l.startsWith('| ') && !l.startsWith('| group |') && !l.startsWith('| ---'))) {
      const group = line.slice(2, line.indexOf(' |', 2));
      if (!groups.has(group)) kept.push(line);
      else if (!placed) {
        kept.push(...rows);
        placed = true;
      }
    }
    if (!placed) kept.push(...rows);
    rows = kept;
    const previous = old.find((l) => l.startsWith('Run: '))?.replace(/\.$/, '') ?? 'Run: unknown';
    run = `${previous}; ${[...groups].join(', ')} measured again ${now}.`;
  }
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench`. Each figure stands beside its target; a missed target stays visible here with what',
    'was tried. Erlang/OTP 25 figures quoted in targets were measured on machines of this kind.',
    '',
    `Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}.`,
    run,
    '',
    '| group | figure | measured | target | verdict | note |',
    '| --- | --- | ---: | --- | --- | --- |',
    ...rows,
    '',
  ];
  writeFileSync(path, lines.join('\n'));
}

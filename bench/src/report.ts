import { writeFileSync } from 'node:fs';
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

export function writeMarkdown(path: string, figures: Figure[]): void {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench`. Each figure stands beside its target; a missed target stays visible here with what',
    'was tried. Erlang/OTP 25 figures quoted in targets were measured on machines of this kind.',
    '',
    `Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}.`,
    `Run: ${new Date().toISOString()}.`,
    '',
    '| group | figure | measured | target | verdict | note |',
    '| --- | --- | ---: | --- | --- | --- |',
    ...figures.map(
      (f) =>
        `| ${f.group} | ${f.name} | ${formatValue(f.value, f.unit)} | ${f.target || '—'} | ${verdict(f)} | ${f.note ?? ''} |`,
    ),
    '',
  ];
  writeFileSync(path, lines.join('\n'));
}

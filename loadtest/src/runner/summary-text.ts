// The end-of-test summary as k6 prints it in its default (compact) mode: THRESHOLDS with a ✓ or ✗ per
// expression, then TOTAL RESULTS: the checks, then the metrics by category (custom first, then HTTP, EXECUTION,
// NETWORK, WEBSOCKET), trends as avg/min/med/max/p(90)/p(95), counters as count and rate, gauges as value/min/max.
import { humanizeValue } from './humanize.js';
import type { SummaryData, SummaryMetric } from './summary-data.js';
import type { MetricThresholdResults } from './threshold-results.js';

const TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
/** Metrics the compact summary leaves out (k6 shows them in its full mode). */
const FULL_MODE_ONLY = new Set([
  'http_req_blocked',
  'http_req_connecting',
  'http_req_receiving',
  'http_req_sending',
  'http_req_tls_handshaking',
  'http_req_waiting',
  'checks',
]);

interface Style {
  bold(text: string): string;
  color(text: string, code: 'green' | 'red' | 'cyan' | 'faint'): string;
}

const CODES = { green: '32', red: '31', cyan: '36', faint: '2' } as const;

function style(colors: boolean): Style {
  return colors
    ? {
        bold: (text) => `\x1b[1m${text}\x1b[0m`,
        color: (text, code) => `\x1b[${CODES[code]}m${text}\x1b[0m`,
      }
    : { bold: (text) => text, color: (text) => text };
}

function category(name: string): string {
  const base = name.split('{', 1)[0]!;
  if (base.startsWith('http_')) return 'http';
  if (['iterations', 'iteration_duration', 'vus', 'vus_max', 'dropped_iterations'].includes(base)) return 'execution';
  if (base === 'data_sent' || base === 'data_received') return 'network';
  if (base.startsWith('ws_')) return 'websocket';
  return 'custom';
}

const CATEGORIES = ['custom', 'http', 'execution', 'network', 'websocket'];

/** Parents first, each followed by its sub-metrics. */
function byName(a: string, b: string): number {
  const pa = a.split('{', 1)[0]!;
  const pb = b.split('{', 1)[0]!;
  return pa === pb ? a.localeCompare(b) : pa.localeCompare(pb);
}

function displayName(name: string): string {
  const brace = name.indexOf('{');
  return brace < 0 ? name : `  { ${name.slice(brace + 1, -1)} }`;
}

function nonTrend(metric: SummaryMetric): string[] {
  const v = metric.values;
  const h = (x: number | undefined) => humanizeValue(x ?? 0, metric.type, metric.contains);
  switch (metric.type) {
    case 'counter':
      return [h(v.count), `${humanizeValue(v.rate ?? 0, 'counter', metric.contains)}/s`];
    case 'gauge':
      return [h(v.value), `min=${h(v.min)}`, `max=${h(v.max)}`];
    default:
      return [h(v.rate), `${v.passes} out of ${(v.passes ?? 0) + (v.fails ?? 0)}`];
  }
}

function trendColumns(metric: SummaryMetric): string[] {
  return TREND_STATS.map((stat) => humanizeValue(metric.values[stat] ?? 0, metric.type, metric.contains));
}

/** Metric lines aligned as k6 aligns them: dotted names to one column, each value column padded. */
function metricLines(names: readonly string[], metrics: SummaryData['metrics'], indent: string, s: Style): string[] {
  const width = Math.max(...names.map((n) => displayName(n).length)) + 3;
  const trendWidths = TREND_STATS.map(() => 0);
  const valueWidths: number[] = [];
  for (const name of names) {
    const metric = metrics[name]!;
    const cols = metric.type === 'trend' ? trendColumns(metric) : nonTrend(metric);
    const widths = metric.type === 'trend' ? trendWidths : valueWidths;
    cols.forEach((col, i) => {
      widths[i] = Math.max(widths[i] ?? 0, col.length);
    });
  }
  return names.map((name) => {
    const metric = metrics[name]!;
    const label = displayName(name);
    const dots = s.color(`${'.'.repeat(width - label.length)}:`, 'faint');
    const data =
      metric.type === 'trend'
        ? trendColumns(metric)
            .map((col, i) => `${TREND_STATS[i]}=${s.color(col, 'cyan')}${' '.repeat(trendWidths[i]! - col.length)}`)
            .join(' ')
        : nonTrend(metric)
            .map((col, i) => s.color(col, 'cyan') + ' '.repeat(valueWidths[i]! - col.length))
            .join(' ');
    return `${indent}${label}${dots} ${data}`.trimEnd();
  });
}

function thresholdValue(metric: SummaryMetric, aggregation: string): string {
  const value = metric.values[aggregation];
  if (value === undefined) return '[no data]';
  if (metric.type === 'counter' && aggregation === 'rate') return `${humanizeValue(value, 'counter', 'default')}/s`;
  return humanizeValue(value, metric.type, metric.contains);
}

export function renderSummary(
  data: SummaryData,
  thresholds: readonly MetricThresholdResults[],
  colors: boolean,
): string {
  const s = style(colors);
  const lines: string[] = [];
  if (thresholds.length > 0) {
    lines.push(`  █ ${s.bold('THRESHOLDS')} `, '');
    const keys = thresholds.map((t) => t.key).sort(byName);
    for (const key of keys) {
      const result = thresholds.find((t) => t.key === key)!;
      const parent = key.split('{', 1)[0]!;
      const nested = parent !== key && keys.includes(parent);
      const indent = nested ? '      ' : '    ';
      lines.push(`${indent}${nested ? key.slice(parent.length) : key}`);
      const metric = data.metrics[key];
      for (const r of result.results) {
        const mark = r.ok ? s.color('✓', 'green') : s.color('✗', 'red');
        const value = metric === undefined ? '[no data]' : thresholdValue(metric, r.aggregation);
        lines.push(`${indent}${mark} '${r.source}' ${r.aggregation}=${s.color(value, 'cyan')}`);
      }
      lines.push('');
    }
    lines.push('');
  }
  lines.push(`  █ ${s.bold('TOTAL RESULTS')} `, '');
  const checks = data.root_group.checks;
  const shown = Object.keys(data.metrics).filter((name) => !FULL_MODE_ONLY.has(name) && !name.startsWith('checks{'));
  const width = Math.max(20, ...shown.map((n) => displayName(n).length));
  if (checks.length > 0) {
    const passes = checks.reduce((sum, c) => sum + c.passes, 0);
    const total = checks.reduce((sum, c) => sum + c.passes + c.fails, 0);
    const duration = data.state.testRunDurationMs / 1000;
    const pct = (n: number) => `${(Math.trunc((n / Math.max(total, 1)) * 10000) / 100).toFixed(2)}%`;
    const row = (name: string, value: string, extra: string) =>
      `    ${name}${s.color(`${'.'.repeat(width + 3 - name.length)}:`, 'faint')} ${s.color(value.padEnd(8), 'cyan')}${extra}`;
    lines.push(
      row('checks_total', String(total), `${Number.parseFloat((total / duration).toFixed(6))}/s`),
      row('checks_succeeded', pct(passes), `${passes} out of ${total}`),
      row('checks_failed', pct(total - passes), `${total - passes} out of ${total}`),
      '',
    );
    for (const c of checks) {
      if (c.fails === 0) lines.push(s.color(`    ✓ ${c.name}`, 'green'));
      else {
        const ok = Math.floor((100 * c.passes) / (c.passes + c.fails));
        lines.push(s.color(`    ✗ ${c.name}`, 'red'), s.color(`      ↳  ${ok}% — ✓ ${c.passes} / ✗ ${c.fails}`, 'red'));
      }
    }
    lines.push('');
  }
  for (const section of CATEGORIES) {
    const names = shown.filter((n) => category(n) === section).sort(byName);
    if (names.length === 0) continue;
    lines.push(`    ${s.bold(section.toUpperCase())}`);
    const padded = [...names, ...shown.filter((n) => category(n) !== section)];
    const aligned = metricLines(padded, data.metrics, '    ', s).slice(0, names.length);
    lines.push(...aligned, '');
  }
  return `${lines.join('\n')}\n`;
}

// The HTML report of a run: one self-contained page (inline SVG and CSS, no script, nothing fetched) with the
// thresholds, plots over time (active VUs, inputs and snapshots per second, snapshots per player, input latency
// percentiles, errors by code, join time) and the summary's metrics.
import { humanizeValue } from '../runner/humanize.js';
import type { Report } from './json.js';
import { type ChartSeries, escapeXml, lineChart } from './svg-chart.js';
import type { TimelinePoint } from './timeline.js';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

function series(
  name: string,
  color: string,
  timeline: readonly TimelinePoint[],
  pick: (p: TimelinePoint) => number | undefined,
): ChartSeries {
  const points: [number, number][] = [];
  for (const p of timeline) {
    const v = pick(p);
    if (v !== undefined && Number.isFinite(v)) points.push([p.t, v]);
  }
  return { name, color, points };
}

function errorSeries(timeline: readonly TimelinePoint[]): ChartSeries[] {
  const keys = [...new Set(timeline.flatMap((p) => Object.keys(p.breakdown.errors ?? {})))].sort();
  return keys.map((key, i) =>
    series(key.replace(/,/g, ' '), COLORS[i % COLORS.length]!, timeline, (p) => p.breakdown.errors?.[key] ?? 0),
  );
}

function thresholdList(report: Report): string {
  if (report.thresholds.length === 0) return '<p>No thresholds.</p>';
  const rows = report.thresholds.flatMap((m) =>
    m.results.map((r) => {
      const metric = report.summary.metrics[m.key];
      const value =
        r.actual === undefined || metric === undefined
          ? 'no data'
          : humanizeValue(r.actual, metric.type, metric.contains);
      return `<tr class="${r.ok ? 'ok' : 'fail'}"><td>${r.ok ? '✓' : '✗'}</td><td>${escapeXml(m.key)}</td><td><code>${escapeXml(r.source)}</code></td><td>${escapeXml(`${r.aggregation}=${value}`)}</td></tr>`;
    }),
  );
  return `<table><tr><th></th><th>metric</th><th>threshold</th><th>value</th></tr>${rows.join('')}</table>`;
}

function metricTable(report: Report): string {
  const rows = Object.entries(report.summary.metrics)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, metric]) => {
      const values = Object.entries(metric.values)
        .map(([k, v]) => {
          // Counts (a counter's, a rate's passes and fails) are plain numbers; a counter's rate is per second.
          const count = k === 'count' || k === 'passes' || k === 'fails';
          const type = count || (k === 'rate' && metric.type === 'counter') ? 'counter' : metric.type;
          return `${k}=${humanizeValue(v, type, count ? 'default' : metric.contains)}`;
        })
        .join('  ');
      return `<tr><td>${escapeXml(name)}</td><td>${metric.type}</td><td>${escapeXml(values)}</td></tr>`;
    });
  return `<table><tr><th>metric</th><th>type</th><th>values</th></tr>${rows.join('')}</table>`;
}

function errorTable(report: Report): string {
  const totals = new Map<string, number>();
  for (const p of report.timeline)
    for (const [k, v] of Object.entries(p.breakdown.errors ?? {})) totals.set(k, (totals.get(k) ?? 0) + v);
  if (totals.size === 0) return '<p>No errors.</p>';
  const rows = [...totals]
    .sort(([, a], [, b]) => b - a)
    .map(([k, v]) => `<tr><td>${escapeXml(k)}</td><td>${Math.round(v)}</td></tr>`);
  return `<table><tr><th>errors by kind and code</th><th>count</th></tr>${rows.join('')}</table>`;
}

export function renderHtmlReport(report: Report): string {
  const t = report.timeline;
  const seconds = Math.max(1, ...t.map((p) => p.t));
  const charts = [
    lineChart({ title: 'Active VUs', unit: '', seconds, series: [series('vus', COLORS[0]!, t, (p) => p.vus)] }),
    lineChart({
      title: 'Inputs sent and snapshots received per second (all players)',
      unit: '/s',
      seconds,
      series: [
        series('inputs', COLORS[0]!, t, (p) => p.counters.inputs ?? 0),
        series('snapshots', COLORS[2]!, t, (p) => p.counters.snapshots ?? 0),
      ],
    }),
    lineChart({
      title: 'Snapshots per player per second',
      unit: '/s',
      seconds,
      series: [
        series('avg', COLORS[2]!, t, (p) => p.trends.snapshot_rate?.avg),
        series('p50', COLORS[0]!, t, (p) => p.trends.snapshot_rate?.p50),
      ],
    }),
    lineChart({
      title: 'Input-to-snapshot latency (own acknowledged inputs)',
      unit: 'ms',
      seconds,
      series: [
        series('p50', COLORS[2]!, t, (p) => p.trends.input_latency?.p50),
        series('p95', COLORS[4]!, t, (p) => p.trends.input_latency?.p95),
        series('p99', COLORS[1]!, t, (p) => p.trends.input_latency?.p99),
      ],
    }),
    lineChart({ title: 'Errors per second by kind and code', unit: '/s', seconds, series: errorSeries(t) }),
    lineChart({
      title: 'Join and HTTP request time, p95',
      unit: 'ms',
      seconds,
      series: [
        series('join_time p95', COLORS[3]!, t, (p) => p.trends.join_time?.p95),
        series('http_req_duration p95', COLORS[5]!, t, (p) => p.trends.http_req_duration?.p95),
      ],
    }),
  ];
  const status = report.passed ? 'passed' : 'failed';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(report.script)} — ${status}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:800px;color:#111}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
.passed{color:#16a34a}.failed{color:#dc2626}
table{border-collapse:collapse;width:100%;font-size:12px}td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
tr.ok td:first-child{color:#16a34a}tr.fail td:first-child{color:#dc2626}tr.fail{background:#fef2f2}
svg{width:100%;height:auto;margin:8px 0}.title{font-size:13px;font-weight:600}.axis{font-size:10px;fill:#555}.legend{font-size:11px}.grid{stroke:#e5e7eb}
</style></head><body>
<h1>${escapeXml(report.script)}: <span class="${status}">${status}</span>${report.aborted ? ` (aborted: ${escapeXml(report.aborted)})` : ''}</h1>
<p>Started ${escapeXml(report.startedAt)}, ran ${(report.durationMs / 1000).toFixed(1)} s.</p>
<h2>Thresholds</h2>${thresholdList(report)}
<h2>Over time</h2>${charts.join('\n')}
<h2>Errors</h2>${errorTable(report)}
<h2>Metrics</h2>${metricTable(report)}
</body></html>
`;
}

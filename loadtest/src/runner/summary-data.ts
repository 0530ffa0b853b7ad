// The end-of-test summary as data, shaped as k6 hands it to handleSummary(): root_group with its checks, options,
// state and metrics (type, contains, values, thresholds). The JSON report is this object.
import type { MetricStore } from './metric-store.js';
import { evaluateThresholds, type MetricThresholdResults, statsFor } from './threshold-results.js';
import type { MetricThresholds } from './thresholds.js';

export interface SummaryMetric {
  readonly type: string;
  readonly contains: string;
  readonly values: Readonly<Record<string, number>>;
  readonly thresholds?: Readonly<Record<string, { readonly ok: boolean }>>;
}

export interface SummaryCheck {
  readonly name: string;
  readonly path: string;
  readonly passes: number;
  readonly fails: number;
}

export interface SummaryData {
  readonly root_group: { readonly name: ''; readonly path: ''; readonly groups: []; readonly checks: SummaryCheck[] };
  readonly options: { readonly summaryTrendStats: string[]; readonly summaryTimeUnit: '' };
  readonly state: { readonly isStdOutTTY: boolean; readonly isStdErrTTY: boolean; readonly testRunDurationMs: number };
  readonly metrics: Readonly<Record<string, SummaryMetric>>;
}

/** The sub-metric k6 always reports beside http_req_duration. */
const EXPECTED_DURATION = 'http_req_duration{expected_response:true}';

export interface Summary {
  readonly data: SummaryData;
  readonly thresholds: readonly MetricThresholdResults[];
  /** False when any threshold failed. */
  readonly passed: boolean;
}

export function summarize(store: MetricStore, thresholds: readonly MetricThresholds[], durationMs: number): Summary {
  const results = evaluateThresholds(store, thresholds, durationMs);
  const metrics: Record<string, SummaryMetric> = {};
  for (const name of store.names()) {
    const aggregate = store.aggregate(name, {}, durationMs, statsFor(name, thresholds));
    if (aggregate !== undefined) metrics[name] = aggregate;
  }
  const expected = store.aggregate(
    'http_req_duration',
    { expected_response: 'true' },
    durationMs,
    statsFor('http_req_duration', []),
  );
  if (expected !== undefined) metrics[EXPECTED_DURATION] = expected;
  for (const result of results) {
    const base = metrics[result.key] ?? result.aggregate;
    if (base === undefined) continue;
    metrics[result.key] = {
      ...base,
      thresholds: Object.fromEntries(result.results.map((r) => [r.source, { ok: r.ok }])),
    };
  }
  const checks = new Map<string, SummaryCheck>();
  for (const tags of store.tagSets('checks')) {
    const name = tags.check;
    if (name === undefined || checks.has(name)) continue;
    const aggregate = store.aggregate('checks', { check: name }, durationMs, []);
    const passes = aggregate?.values.passes ?? 0;
    const fails = aggregate?.values.fails ?? 0;
    checks.set(name, { name, path: `::${name}`, passes, fails });
  }
  return {
    data: {
      root_group: { name: '', path: '', groups: [], checks: [...checks.values()] },
      options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], summaryTimeUnit: '' },
      state: {
        isStdOutTTY: Boolean(process.stdout.isTTY),
        isStdErrTTY: Boolean(process.stderr.isTTY),
        testRunDurationMs: durationMs,
      },
      metrics,
    },
    thresholds: results,
    passed: results.every((r) => r.results.every((t) => t.ok)),
  };
}

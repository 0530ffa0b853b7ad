// Thresholds judged against a run's metrics.
import { type Aggregate, DEFAULT_TREND_STATS, type MetricStore } from './metric-store.js';
import { holds, type MetricThresholds } from './thresholds.js';

export interface ThresholdResult {
  readonly source: string;
  readonly aggregation: string;
  readonly ok: boolean;
  /** The metric's value for the aggregation; undefined when it had no samples. */
  readonly actual: number | undefined;
}

export interface MetricThresholdResults {
  readonly key: string;
  readonly metric: string;
  readonly aggregate: Aggregate | undefined;
  readonly results: readonly ThresholdResult[];
}

/** The trend statistics a metric's summary shows: k6's defaults and every percentile a threshold asks for. */
export function statsFor(metric: string, thresholds: readonly MetricThresholds[]): string[] {
  const stats: string[] = [...DEFAULT_TREND_STATS];
  for (const m of thresholds) {
    if (m.metric !== metric) continue;
    for (const t of m.thresholds) if (!stats.includes(t.aggregation)) stats.push(t.aggregation);
  }
  return stats;
}

export function evaluateThresholds(
  store: MetricStore,
  thresholds: readonly MetricThresholds[],
  durationMs: number,
): MetricThresholdResults[] {
  return thresholds.map((m) => {
    const aggregate = store.aggregate(m.metric, m.filter, durationMs, statsFor(m.metric, thresholds));
    return {
      key: m.key,
      metric: m.metric,
      aggregate,
      results: m.thresholds.map((t) => {
        const actual = aggregate?.values[t.aggregation];
        return { source: t.source, aggregation: t.aggregation, ok: holds(t, actual), actual };
      }),
    };
  });
}

// The run second by second, for the report's plots: VUs, and each metric's window (counters as sums per second
// and by tag, trends as percentiles, rates as passes and total).

import { trendStats } from '../runner/metric-store.js';
import type { SampleBatch, Tags } from '../runner/metric-types.js';

export interface TrendWindow {
  readonly count: number;
  readonly avg: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface TimelinePoint {
  /** Seconds from the start of the run to the end of the window. */
  readonly t: number;
  readonly vus: number;
  readonly iterations: number;
  readonly interrupted: number;
  /** Counter sums in the window, per second. */
  readonly counters: Readonly<Record<string, number>>;
  /** Counter sums per second by their tags other than `scenario` (`kind=close,code=4400`). */
  readonly breakdown: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly trends: Readonly<Record<string, TrendWindow>>;
  readonly rates: Readonly<Record<string, { readonly passes: number; readonly total: number }>>;
}

function ownTags(tags: Tags): string {
  return Object.keys(tags)
    .filter((k) => k !== 'scenario')
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(',');
}

/** Builds one point from every worker's batch of a window `seconds` long. */
export function timelinePoint(
  t: number,
  seconds: number,
  vus: number,
  batches: readonly { batch: SampleBatch; completed: number; interrupted: number }[],
  typeOf: (metric: string) => string | undefined,
): TimelinePoint {
  const counters: Record<string, number> = {};
  const breakdown: Record<string, Record<string, number>> = {};
  const trendValues: Record<string, number[]> = {};
  const rates: Record<string, { passes: number; total: number }> = {};
  let iterations = 0;
  let interrupted = 0;
  for (const { batch, completed, interrupted: cut } of batches) {
    iterations += completed;
    interrupted += cut;
    for (const series of batch.series) {
      const type = typeOf(series.metric) ?? batch.definitions.find((d) => d.name === series.metric)?.type;
      if (type === 'counter') {
        counters[series.metric] = (counters[series.metric] ?? 0) + series.value / seconds;
        const key = ownTags(series.tags);
        if (key !== '') {
          const byTags = breakdown[series.metric] ?? {};
          byTags[key] = (byTags[key] ?? 0) + series.value / seconds;
          breakdown[series.metric] = byTags;
        }
      } else if (type === 'trend') {
        const values = trendValues[series.metric] ?? [];
        for (const v of series.values) values.push(v);
        trendValues[series.metric] = values;
      } else if (type === 'rate') {
        const rate = rates[series.metric] ?? { passes: 0, total: 0 };
        rate.passes += series.value;
        rate.total += series.count;
        rates[series.metric] = rate;
      }
    }
  }
  const trends: Record<string, TrendWindow> = {};
  for (const [metric, values] of Object.entries(trendValues)) {
    const stats = trendStats(Float64Array.from(values), ['count', 'avg', 'p(50)', 'p(90)', 'p(95)', 'p(99)', 'max']);
    trends[metric] = {
      count: stats.count!,
      avg: stats.avg!,
      p50: stats['p(50)']!,
      p90: stats['p(90)']!,
      p95: stats['p(95)']!,
      p99: stats['p(99)']!,
      max: stats.max!,
    };
  }
  return { t, vus, iterations, interrupted, counters, breakdown, trends, rates };
}

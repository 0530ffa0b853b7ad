// Every sample of a run, merged from the workers' windows: per metric and tag set, counters and rates as running
// totals, gauges as last/min/max, trends as every value (k6 keeps every trend value too, for exact percentiles).
import {
  BUILTIN_METRICS,
  type MetricContains,
  type MetricDefinition,
  type MetricType,
  type SampleBatch,
  type Tags,
  tagKey,
} from './metric-types.js';

class Values {
  private data = new Float64Array(1024);
  length = 0;

  push(values: readonly number[]): void {
    if (this.length + values.length > this.data.length) {
      const grown = new Float64Array(Math.max(this.data.length * 2, this.length + values.length));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    for (const value of values) this.data[this.length++] = value;
  }

  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

interface Series {
  readonly metric: string;
  readonly tags: Tags;
  count: number;
  /** counter: sum; rate: non-zero samples; gauge: last value. */
  value: number;
  min: number;
  max: number;
  readonly values: Values;
}

/** The summary values of a metric, as k6's summary data has them (`values` of `data.metrics.<name>`). */
export interface Aggregate {
  readonly type: MetricType;
  readonly contains: MetricContains;
  readonly values: Readonly<Record<string, number>>;
}

/** A percentile of sorted values, by k6's rule: linear interpolation between the closest ranks. */
export function percentile(sorted: Float64Array, pct: number): number {
  if (sorted.length === 0) return 0;
  if (sorted.length === 1) return sorted[0]!;
  const i = (pct / 100) * (sorted.length - 1);
  const lower = sorted[Math.floor(i)]!;
  const upper = sorted[Math.ceil(i)]!;
  return lower + (upper - lower) * (i - Math.floor(i));
}

export const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'] as const;

/** Trend statistics (`avg`, `min`, `med`, `max`, `count`, `p(N)`) of unsorted values. */
export function trendStats(values: Float64Array, stats: readonly string[]): Record<string, number> {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const out: Record<string, number> = {};
  for (const stat of stats) {
    if (stat === 'avg') out[stat] = sorted.length === 0 ? 0 : sum / sorted.length;
    else if (stat === 'min') out[stat] = sorted[0] ?? 0;
    else if (stat === 'max') out[stat] = sorted[sorted.length - 1] ?? 0;
    else if (stat === 'med') out[stat] = percentile(sorted, 50);
    else if (stat === 'count') out[stat] = sorted.length;
    else if (stat.startsWith('p(')) out[stat] = percentile(sorted, Number(stat.slice(2, -1)));
  }
  return out;
}

function matches(tags: Tags, filter: Tags): boolean {
  for (const [k, v] of Object.entries(filter)) if (tags[k] !== v) return false;
  return true;
}

export class MetricStore {
  private readonly definitions = new Map<string, MetricDefinition>();
  private readonly series = new Map<string, Series>();

  constructor() {
    for (const definition of BUILTIN_METRICS) this.definitions.set(definition.name, definition);
  }

  define(definition: MetricDefinition): void {
    if (!this.definitions.has(definition.name)) this.definitions.set(definition.name, definition);
  }

  definition(name: string): MetricDefinition | undefined {
    return this.definitions.get(name);
  }

  /** Metrics with at least one sample, by name. */
  names(): string[] {
    return [...new Set([...this.series.values()].map((s) => s.metric))].sort();
  }

  /** Every tag set a metric was sampled with. */
  tagSets(metric: string): Tags[] {
    return [...this.series.values()].filter((s) => s.metric === metric).map((s) => s.tags);
  }

  merge(batch: SampleBatch): void {
    for (const definition of batch.definitions) this.define(definition);
    for (const window of batch.series) {
      const id = `${window.metric}|${tagKey(window.tags)}`;
      let series = this.series.get(id);
      if (series === undefined) {
        series = {
          metric: window.metric,
          tags: window.tags,
          count: 0,
          value: 0,
          min: window.min,
          max: window.max,
          values: new Values(),
        };
        this.series.set(id, series);
      }
      const type = this.definitions.get(window.metric)?.type;
      series.count += window.count;
      if (type === 'gauge') {
        series.value = window.value;
        series.min = Math.min(series.min, window.min);
        series.max = Math.max(series.max, window.max);
      } else series.value += window.value;
      if (type === 'trend') series.values.push(window.values);
    }
  }

  /**
   * A metric's summary values over the run, or a sub-metric's (samples whose tags include `filter`); undefined when
   * it has no samples. `stats` are the trend statistics wanted; counters' rate is per second of `durationMs`.
   */
  aggregate(metric: string, filter: Tags, durationMs: number, stats: readonly string[]): Aggregate | undefined {
    const definition = this.definitions.get(metric);
    if (definition === undefined) return undefined;
    const chosen = [...this.series.values()].filter((s) => s.metric === metric && matches(s.tags, filter));
    const count = chosen.reduce((sum, s) => sum + s.count, 0);
    if (count === 0) return undefined;
    const { type, contains } = definition;
    const total = chosen.reduce((sum, s) => sum + s.value, 0);
    switch (type) {
      case 'counter':
        return { type, contains, values: { count: total, rate: total / Math.max(durationMs / 1000, 1e-9) } };
      case 'rate':
        return { type, contains, values: { rate: total / count, passes: total, fails: count - total } };
      case 'gauge': {
        const last = chosen[chosen.length - 1]!;
        const min = Math.min(...chosen.map((s) => s.min));
        const max = Math.max(...chosen.map((s) => s.max));
        return { type, contains, values: { value: last.value, min, max } };
      }
      case 'trend': {
        const all = new Float64Array(chosen.reduce((sum, s) => sum + s.values.length, 0));
        let at = 0;
        for (const s of chosen) {
          all.set(s.values.view(), at);
          at += s.values.length;
        }
        return { type, contains, values: trendStats(all, stats) };
      }
    }
  }
}

// Where every sample a thread's virtual users emit goes: aggregated per metric and tag set until the runner
// collects the window. One per thread, shared by all of the thread's virtual users.
import {
  BUILTIN_METRICS,
  METRIC_NAME,
  type MetricContains,
  type MetricDefinition,
  type MetricType,
  type SampleBatch,
  type SeriesWindow,
  type Tags,
  tagKey,
} from '../runner/metric-types.js';

export class SampleSink {
  private readonly definitions = new Map<string, MetricDefinition>();
  private fresh: MetricDefinition[] = [];
  private window = new Map<string, SeriesWindow>();

  constructor() {
    for (const definition of BUILTIN_METRICS) this.definitions.set(definition.name, definition);
  }

  /** Declares a metric, as `new Trend(name)` does; the same name with another type is an error, as in k6. */
  define(name: string, type: MetricType, contains: MetricContains): void {
    if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
    const known = this.definitions.get(name);
    if (known !== undefined) {
      if (known.type !== type)
        throw new Error(`metric ${name} is a ${known.type}, it cannot be redefined as a ${type}`);
      return;
    }
    const definition = { name, type, contains };
    this.definitions.set(name, definition);
    this.fresh.push(definition);
  }

  definition(name: string): MetricDefinition | undefined {
    return this.definitions.get(name);
  }

  /** Adds one sample; `key` is `tagKey(tags)`, which callers with fixed tags compute once. */
  add(metric: string, value: number, tags: Tags, key: string = tagKey(tags)): void {
    const id = `${metric}|${key}`;
    let series = this.window.get(id);
    if (series === undefined) {
      series = { metric, tags, value: 0, count: 0, min: value, max: value, values: [] };
      this.window.set(id, series);
    }
    series.count++;
    switch (this.definitions.get(metric)!.type) {
      case 'counter':
        series.value += value;
        break;
      case 'gauge':
        series.value = value;
        if (value < series.min) series.min = value;
        if (value > series.max) series.max = value;
        break;
      case 'rate':
        if (value !== 0) series.value++;
        break;
      case 'trend':
        series.values.push(value);
        break;
    }
  }

  /** The window so far, and the metrics defined since the last one; starts a new window. */
  collect(): SampleBatch {
    const batch = { definitions: this.fresh, series: [...this.window.values()] };
    this.fresh = [];
    this.window = new Map();
    return batch;
  }
}

/** The thread's sink. */
export const sink = new SampleSink();

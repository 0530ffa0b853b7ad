import assert from 'node:assert/strict';
import type { Registry } from 'prom-client';

/** A sample as prom-client reports it: a histogram's carry their own names (`_bucket`, `_sum`, `_count`). */
interface Sample {
  readonly value: number;
  readonly labels: Record<string, string | number | undefined>;
  readonly metricName?: string;
}

export interface SampleOptions {
  /** Which sample of the metric: a histogram's `<name>_count` or `<name>_sum`; the metric's own name unless set. */
  readonly sampleName?: string;
  /** Labels the sample must carry, each with this value. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The value of the one sample of a metric in `registry` that matches, read as a scrape would read it (collect()
 * callbacks run); fails the test when the metric is not registered or not exactly one sample matches.
 */
export async function metricSample(registry: Registry, name: string, options: SampleOptions = {}): Promise<number> {
  const { sampleName = name, labels = {} } = options;
  const metric = registry.getSingleMetric(name);
  assert.ok(metric, `${name} is registered`);
  const values = ((await metric.get()).values as Sample[]).filter(
    (value) =>
      (value.metricName ?? name) === sampleName &&
      Object.entries(labels).every(([label, wanted]) => String(value.labels[label]) === wanted),
  );
  assert.equal(values.length, 1, `one ${sampleName} sample with ${JSON.stringify(labels)}`);
  return values[0]!.value;
}

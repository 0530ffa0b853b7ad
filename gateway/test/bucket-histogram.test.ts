import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { BucketHistogram } from '../src/metrics/bucket-histogram.js';
import { INPUT_TO_SNAPSHOT_BUCKETS } from '../src/metrics/gateway-metrics.js';

/** A registry labelled as a node's is, so the default labels are merged in as they are at /metrics. */
function nodeRegistry(): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ node: 'gateway-test' });
  return registry;
}

test('exports the series prom-client’s Histogram exports for the same observations, and resets to 0', async () => {
  const ours = nodeRegistry();
  const theirs = nodeRegistry();
  const name = 'packetflow_gateway_input_to_snapshot_seconds';
  const histogram = new BucketHistogram(name, 'timing', INPUT_TO_SNAPSHOT_BUCKETS, [ours]);
  const reference = new Histogram({
    name,
    help: 'timing',
    buckets: [...INPUT_TO_SNAPSHOT_BUCKETS],
    registers: [theirs],
  });
  assert.equal(await ours.metrics(), await theirs.metrics(), 'empty');
  // On a bound, between bounds, below the first and above the last.
  for (const value of [0, 0.005, 0.0051, 0.033, 0.04, 0.999, 1, 1.5, 7, 0.1, 0.1]) {
    histogram.observe(value);
    reference.observe(value);
  }
  const text = await ours.metrics();
  assert.equal(text, await theirs.metrics());
  assert.match(text, /^packetflow_gateway_input_to_snapshot_seconds_bucket\{le="0.1",node="gateway-test"\} 7$/m);
  assert.match(text, /^packetflow_gateway_input_to_snapshot_seconds_count\{node="gateway-test"\} 11$/m);
  ours.resetMetrics();
  assert.match(await ours.metrics(), /^packetflow_gateway_input_to_snapshot_seconds_count\{node="gateway-test"\} 0$/m);
});

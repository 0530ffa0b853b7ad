import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricsOf } from '../src/dashboard/promql-metrics.js';

describe('metricsOf', () => {
  it('finds the metrics of selectors, not functions, aggregations, grouping or matcher labels, strings or durations', () => {
    assert.deepEqual(
      metricsOf(
        'histogram_quantile(0.99, sum by (le, scope) (rate(packetflow_ask_duration_seconds_bucket{node=~"game.*", scope!="local"}[1m])))',
      ),
      ['packetflow_ask_duration_seconds_bucket'],
    );
    assert.deepEqual(metricsOf('sum without (node) (changes(process_start_time_seconds[5m])) > bool 0'), [
      'process_start_time_seconds',
    ]);
    assert.deepEqual(
      metricsOf('label_replace(up, "rate", "$1", "sum", "(.*)") * on (job) group_left (state) count_values("v", b)'),
      ['up', 'b'],
    );
  });

  it('names each metric once, in order of first use', () => {
    assert.deepEqual(metricsOf('a / ignoring (le) (a + b offset 5m) or max_over_time(c[10m:1m])'), ['a', 'b', 'c']);
  });

  it('refuses what Prometheus would refuse', () => {
    assert.throws(() => metricsOf('sum(rate(a[1m])'), SyntaxError);
    assert.throws(() => metricsOf('a{'), SyntaxError);
    assert.throws(() => metricsOf('rate(a[$__rate_interval])'), SyntaxError);
  });

  it('refuses selectors that name their metric only through a matcher, whose metric it could not check', () => {
    assert.throws(() => metricsOf('sum({__name__="a"})'), /does not name its metric/);
    assert.throws(() => metricsOf('{"a"}'), /does not name its metric/);
  });
});

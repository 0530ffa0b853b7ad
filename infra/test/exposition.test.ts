import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleNames } from '../src/metrics/exposition.js';

describe('sampleNames', () => {
  it('lists the series names of a text exposition: histogram parts, labelled and bare samples, no comments', () => {
    const text = [
      '# HELP lateness_seconds How late',
      '# TYPE lateness_seconds histogram',
      'lateness_seconds_bucket{le="0.1",node="a"} 3',
      'lateness_seconds_bucket{le="+Inf",node="a"} 4',
      'lateness_seconds_sum{node="a"} 0.2',
      'lateness_seconds_count{node="a"} 4',
      '# TYPE failures_total counter',
      '# TYPE matches gauge',
      'matches 2',
      '',
    ].join('\n');
    assert.deepEqual(
      [...sampleNames(text)],
      ['lateness_seconds_bucket', 'lateness_seconds_sum', 'lateness_seconds_count', 'matches'],
    );
  });
});

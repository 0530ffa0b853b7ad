// The runner's k6 rules, as k6's documentation states them: durations, executors' VU schedules, threshold
// syntax, percentiles and the summary's number formats.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from '../src/runner/duration.js';
import { humanizeBytes, humanizeDuration, humanizeValue } from '../src/runner/humanize.js';
import { MetricStore, percentile } from '../src/runner/metric-store.js';
import { maxVus, scenariosOf, targetVus } from '../src/runner/scenarios.js';
import { holds, parseThresholds } from '../src/runner/thresholds.js';

describe('options', () => {
  it('parses k6 durations', () => {
    assert.equal(parseDuration('1m30s', 'd'), 90_000);
    assert.equal(parseDuration('250ms', 'd'), 250);
    assert.equal(parseDuration('1h', 'd'), 3_600_000);
    assert.throws(() => parseDuration('10 seconds', 'd'), TypeError);
  });

  it('turns vus and duration into constant-vus, stages into ramping-vus starting from vus (1 unless set)', () => {
    const [constant] = scenariosOf({ vus: 50, duration: '20s' });
    assert.deepEqual(constant, {
      name: 'default',
      exec: 'default',
      startTimeMs: 0,
      gracefulStopMs: 30_000,
      executor: 'constant-vus',
      vus: 50,
      durationMs: 20_000,
    });
    const [ramping] = scenariosOf({ stages: [{ duration: '10s', target: 10 }] });
    assert.ok(ramping?.executor === 'ramping-vus' && ramping.startVUs === 1 && ramping.gracefulRampDownMs === 30_000);
    const [single] = scenariosOf({});
    assert.ok(single?.executor === 'per-vu-iterations' && single.vus === 1 && single.iterations === 1);
    assert.throws(() => scenariosOf({ scenarios: { a: { executor: 'constant-arrival-rate' } } }), /not supported/);
  });

  it('ramps VUs linearly: a VU starts once the ramp reaches it, stops once the ramp falls below it', () => {
    const [ramp] = scenariosOf({
      scenarios: {
        r: {
          executor: 'ramping-vus',
          startVUs: 0,
          stages: [
            { duration: '10s', target: 10 },
            { duration: '10s', target: 10 },
            { duration: '10s', target: 0 },
          ],
        },
      },
    });
    const at = (s: number) => targetVus(ramp!, s * 1000);
    assert.deepEqual(
      [at(0), at(0.99), at(1), at(5.5), at(10), at(15), at(20.5), at(25), at(29.99)],
      [0, 0, 1, 5, 10, 10, 10, 5, 1],
    );
    assert.equal(at(30), undefined);
    assert.equal(maxVus(ramp!), 10);
  });
});

describe('thresholds', () => {
  const types: Record<string, 'trend' | 'counter' | 'rate' | 'gauge'> = {
    http_req_duration: 'trend',
    errors: 'counter',
    checks: 'rate',
    size: 'gauge',
  };
  const parse = (config: unknown) => parseThresholds(config, (m) => types[m]);

  it('reads the short and the long form, sub-metric filters and every operator', () => {
    const [duration, errors] = parse({
      'http_req_duration{status:200,name:"POST /x"}': [
        'p(95)<200',
        { threshold: 'avg <= 100', abortOnFail: true, delayAbortEval: '10s' },
      ],
      errors: 'count==0',
    });
    assert.deepEqual(duration?.filter, { status: '200', name: 'POST /x' });
    assert.deepEqual(
      duration?.thresholds.map((t) => [t.aggregation, t.operator, t.value, t.abortOnFail, t.delayAbortEvalMs]),
      [
        ['p(95)', '<', 200, false, 0],
        ['avg', '<=', 100, true, 10_000],
      ],
    );
    assert.equal(errors?.thresholds[0]?.operator, '==');
  });

  it('refuses aggregations a metric type does not have, unknown metrics and bad percentiles', () => {
    assert.throws(() => parse({ errors: ['avg<1'] }), /does not apply to a counter/);
    assert.throws(() => parse({ checks: ['count>1'] }), /does not apply to a rate/);
    assert.throws(() => parse({ size: ['p(90)<1'] }), /does not apply to a gauge/);
    assert.throws(() => parse({ nope: ['count>1'] }), /does not exist/);
    assert.throws(() => parse({ http_req_duration: ['p(101)<1'] }), /percentile/);
  });

  it('judges values, and leaves a metric without samples unevaluated (passing), as k6 does', () => {
    const [m] = parse({ http_req_duration: ['p(95)<200'] });
    assert.equal(holds(m!.thresholds[0]!, 199.9), true);
    assert.equal(holds(m!.thresholds[0]!, 200), false);
    assert.equal(holds(m!.thresholds[0]!, undefined), true);
  });
});

describe('aggregation and summary formats', () => {
  it('computes percentiles by linear interpolation between closest ranks', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(percentile(sorted, 50), 5.5);
    assert.equal(percentile(sorted, 90), 9.1);
    assert.equal(percentile(sorted, 100), 10);
    assert.equal(percentile(Float64Array.of(3), 95), 3);
  });

  it('aggregates counters, rates, gauges and trends and their sub-metrics', () => {
    const store = new MetricStore();
    store.define({ name: 'errors', type: 'counter', contains: 'default' });
    store.merge({
      definitions: [],
      series: [
        { metric: 'errors', tags: { code: '4429' }, value: 3, count: 3, min: 1, max: 1, values: [] },
        { metric: 'errors', tags: { code: '4400' }, value: 1, count: 1, min: 1, max: 1, values: [] },
        { metric: 'checks', tags: {}, value: 9, count: 10, min: 0, max: 1, values: [] },
        {
          metric: 'http_req_duration',
          tags: { status: '200' },
          value: 0,
          count: 3,
          min: 0,
          max: 0,
          values: [30, 10, 20],
        },
      ],
    });
    assert.deepEqual(store.aggregate('errors', {}, 2000, [])?.values, { count: 4, rate: 2 });
    assert.deepEqual(store.aggregate('errors', { code: '4400' }, 2000, [])?.values, { count: 1, rate: 0.5 });
    assert.deepEqual(store.aggregate('checks', {}, 2000, [])?.values, { rate: 0.9, passes: 9, fails: 1 });
    assert.deepEqual(store.aggregate('http_req_duration', {}, 2000, ['avg', 'min', 'med', 'max'])?.values, {
      avg: 20,
      min: 10,
      med: 20,
      max: 30,
    });
    assert.equal(store.aggregate('http_req_duration', { status: '500' }, 2000, ['avg']), undefined);
  });

  it('humanizes as k6’s summary does', () => {
    assert.equal(humanizeDuration(148.214), '148.21ms');
    assert.equal(humanizeDuration(0.5), '500µs');
    assert.equal(humanizeDuration(1234), '1.23s');
    assert.equal(humanizeDuration(65_000), '1m5s');
    assert.equal(humanizeBytes(519_000), '519 kB');
    assert.equal(humanizeBytes(4900), '4.9 kB');
    assert.equal(humanizeValue(0.98765, 'rate', 'default'), '98.76%');
    assert.equal(humanizeValue(6.561090001, 'counter', 'default'), '6.56109');
  });
});

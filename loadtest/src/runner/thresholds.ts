// k6 thresholds: `metric{tag:value,…}` keys with expressions `<aggregation> <operator> <value>`, short (strings)
// or long ({ threshold, abortOnFail, delayAbortEval }) form. Aggregations by metric type as k6 allows them.
import { parseDuration } from './duration.js';
import type { MetricType, Tags } from './metric-types.js';

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface Threshold {
  /** The expression as written. */
  readonly source: string;
  /** `avg`, `min`, `max`, `med`, `p(95)`, `count`, `rate` or `value`. */
  readonly aggregation: string;
  readonly operator: Operator;
  readonly value: number;
  readonly abortOnFail: boolean;
  readonly delayAbortEvalMs: number;
}

export interface MetricThresholds {
  /** The key as written: `http_req_duration{status:200}`. */
  readonly key: string;
  readonly metric: string;
  /** The sub-metric's tag filter; empty for the metric itself. */
  readonly filter: Tags;
  readonly thresholds: readonly Threshold[];
}

const EXPRESSION =
  /^\s*(avg|min|max|med|count|rate|value|p\(\s*\d+(?:\.\d+)?\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;
const KEY = /^([^{}]+?)(?:\{(.*)\})?$/;

const ALLOWED: Readonly<Record<MetricType, (aggregation: string) => boolean>> = {
  counter: (a) => a === 'count' || a === 'rate',
  gauge: (a) => a === 'value',
  rate: (a) => a === 'rate',
  trend: (a) => ['avg', 'min', 'max', 'med'].includes(a) || a.startsWith('p('),
};

export function parseExpression(source: string): Pick<Threshold, 'aggregation' | 'operator' | 'value'> {
  const match = EXPRESSION.exec(source);
  if (match === null)
    throw new TypeError(`threshold ${JSON.stringify(source)}: expected <aggregation> <operator> <value>`);
  const aggregation = match[1]!.replace(/\s+/g, '').toLowerCase();
  if (aggregation.startsWith('p(')) {
    const pct = Number(aggregation.slice(2, -1));
    if (!(pct >= 0 && pct <= 100)) throw new TypeError(`threshold ${source}: percentile out of 0–100`);
  }
  return { aggregation, operator: match[2] as Operator, value: Number(match[3]) };
}

function parseFilter(text: string | undefined, key: string): Tags {
  const filter: Record<string, string> = {};
  if (text === undefined || text.trim() === '') return filter;
  for (const part of text.split(',')) {
    const colon = part.indexOf(':');
    if (colon <= 0) throw new TypeError(`threshold key ${key}: expected {tag:value}`);
    filter[part.slice(0, colon).trim()] = part
      .slice(colon + 1)
      .trim()
      .replace(/^["'](.*)["']$/, '$1');
  }
  return filter;
}

/** Parses `options.thresholds`; `typeOf` gives a metric's type, undefined for one that does not exist. */
export function parseThresholds(
  config: unknown,
  typeOf: (metric: string) => MetricType | undefined,
): MetricThresholds[] {
  if (config === undefined) return [];
  if (typeof config !== 'object' || config === null) throw new TypeError('options.thresholds: expected an object');
  return Object.entries(config as Record<string, unknown>).map(([key, list]) => {
    const match = KEY.exec(key);
    if (match === null) throw new TypeError(`threshold key ${JSON.stringify(key)} is not metric{tag:value}`);
    const metric = match[1]!.trim();
    const type = typeOf(metric);
    if (type === undefined) throw new TypeError(`invalid threshold defined on ${key}: metric ${metric} does not exist`);
    const items = Array.isArray(list) ? list : [list];
    const thresholds = items.map((item: unknown): Threshold => {
      const long = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : undefined;
      const source = long === undefined ? item : long.threshold;
      if (typeof source !== 'string') throw new TypeError(`threshold on ${key}: expected a string expression`);
      const parsed = parseExpression(source);
      if (!ALLOWED[type](parsed.aggregation)) {
        throw new TypeError(`threshold ${source} on ${key}: ${parsed.aggregation} does not apply to a ${type}`);
      }
      return {
        source,
        ...parsed,
        abortOnFail: long?.abortOnFail === true,
        delayAbortEvalMs:
          long?.delayAbortEval === undefined ? 0 : parseDuration(long.delayAbortEval, `${key} delayAbortEval`),
      };
    });
    return { key, metric, filter: parseFilter(match[2], key), thresholds };
  });
}

/**
 * Whether a threshold holds for the aggregated value. A metric without samples has no value: like k6, the runner
 * then leaves its thresholds unevaluated, which counts as passing.
 */
export function holds(threshold: Threshold, actual: number | undefined): boolean {
  if (actual === undefined) return true;
  switch (threshold.operator) {
    case '<':
      return actual < threshold.value;
    case '<=':
      return actual <= threshold.value;
    case '>':
      return actual > threshold.value;
    case '>=':
      return actual >= threshold.value;
    case '==':
    case '===':
      return actual === threshold.value;
    case '!=':
      return actual !== threshold.value;
  }
}

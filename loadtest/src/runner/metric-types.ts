// What the runner's threads say to each other about metrics: definitions, and samples aggregated per window.

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export type MetricContains = 'default' | 'time' | 'data';

export interface MetricDefinition {
  readonly name: string;
  readonly type: MetricType;
  readonly contains: MetricContains;
}

export type Tags = Readonly<Record<string, string>>;

/** One metric's samples with one set of tags during one window, aggregated as far as the type allows. */
export interface SeriesWindow {
  readonly metric: string;
  readonly tags: Tags;
  /** counter: the sum; gauge: the last value; rate: the non-zero samples; trend: unused. */
  value: number;
  /** Samples in the window. */
  count: number;
  /** gauge only. */
  min: number;
  max: number;
  /** trend only: every sample. */
  values: number[];
}

/** What a worker sends every window. */
export interface SampleBatch {
  readonly definitions: readonly MetricDefinition[];
  readonly series: readonly SeriesWindow[];
}

/** k6's built-in metrics, as its summary knows them. */
export const BUILTIN_METRICS: readonly MetricDefinition[] = [
  { name: 'vus', type: 'gauge', contains: 'default' },
  { name: 'vus_max', type: 'gauge', contains: 'default' },
  { name: 'iterations', type: 'counter', contains: 'default' },
  { name: 'iteration_duration', type: 'trend', contains: 'time' },
  { name: 'checks', type: 'rate', contains: 'default' },
  { name: 'data_sent', type: 'counter', contains: 'data' },
  { name: 'data_received', type: 'counter', contains: 'data' },
  { name: 'http_reqs', type: 'counter', contains: 'default' },
  { name: 'http_req_failed', type: 'rate', contains: 'default' },
  { name: 'http_req_duration', type: 'trend', contains: 'time' },
  { name: 'http_req_blocked', type: 'trend', contains: 'time' },
  { name: 'http_req_connecting', type: 'trend', contains: 'time' },
  { name: 'http_req_tls_handshaking', type: 'trend', contains: 'time' },
  { name: 'http_req_sending', type: 'trend', contains: 'time' },
  { name: 'http_req_waiting', type: 'trend', contains: 'time' },
  { name: 'http_req_receiving', type: 'trend', contains: 'time' },
  { name: 'ws_sessions', type: 'counter', contains: 'default' },
  { name: 'ws_connecting', type: 'trend', contains: 'time' },
  { name: 'ws_session_duration', type: 'trend', contains: 'time' },
  { name: 'ws_msgs_sent', type: 'counter', contains: 'default' },
  { name: 'ws_msgs_received', type: 'counter', contains: 'default' },
];

/** k6's rule for metric names. */
export const METRIC_NAME = /^[\p{L}\p{N}._ !?/&#()<>%-]{1,128}$/u;

/** The key of a tag set: the same tags give the same key whatever their order. */
export function tagKey(tags: Tags): string {
  return Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(',');
}

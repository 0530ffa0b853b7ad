// The package ships no types; this is the shape its README documents (prom2json's).
declare module 'parse-prometheus-text-format' {
  export interface MetricFamily {
    readonly name: string;
    readonly help: string;
    readonly type: 'COUNTER' | 'GAUGE' | 'SUMMARY' | 'HISTOGRAM' | 'UNTYPED';
    readonly metrics: readonly {
      readonly value?: string;
      readonly labels?: Readonly<Record<string, string>>;
      /** A histogram's cumulative counts by upper bound (`+Inf`: all); its labels, sum and count are left out. */
      readonly buckets?: Readonly<Record<string, string>>;
    }[];
  }
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}

// The JSON report of a run: k6's summary data (what handleSummary receives), the thresholds' results, and the
// run second by second.
import type { Summary, SummaryData } from '../runner/summary-data.js';
import type { TestRun } from '../runner/test-run.js';
import type { MetricThresholdResults } from '../runner/threshold-results.js';
import type { TimelinePoint } from './timeline.js';

export interface Report {
  readonly script: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly passed: boolean;
  readonly aborted: string | null;
  readonly options: Readonly<Record<string, unknown>>;
  readonly summary: SummaryData;
  readonly thresholds: readonly MetricThresholdResults[];
  readonly timeline: readonly TimelinePoint[];
}

export function reportJson(run: TestRun, summary: Summary, script: string): Report {
  return {
    script,
    startedAt: run.startedAt.toISOString(),
    durationMs: run.durationMs,
    passed: summary.passed,
    aborted: run.aborted ?? null,
    options: run.options,
    summary: summary.data,
    thresholds: summary.thresholds,
    timeline: run.timeline,
  };
}

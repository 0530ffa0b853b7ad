// The line the runner prints while a test runs: k6's "running (…), VUs, iterations" and, when the script has
// them, the game's own numbers for the last second.
import type { TimelinePoint } from '../report/timeline.js';
import { formatElapsed } from './duration.js';
import { humanizeDuration } from './humanize.js';

export interface ProgressState {
  readonly elapsedMs: number;
  readonly vus: number;
  readonly vusMax: number;
  readonly completed: number;
  readonly interrupted: number;
  readonly point: TimelinePoint;
  readonly errors: number;
}

export function progressLine(state: ProgressState): string {
  const width = String(state.vusMax).length;
  const parts = [
    `running (${formatElapsed(state.elapsedMs)}), ${String(state.vus).padStart(width, '0')}/${state.vusMax} VUs, ` +
      `${state.completed} complete and ${state.interrupted} interrupted iterations`,
  ];
  const { counters, trends } = state.point;
  if (counters.inputs !== undefined) parts.push(`inputs ${Math.round(counters.inputs)}/s`);
  if (counters.snapshots !== undefined) parts.push(`snapshots ${Math.round(counters.snapshots)}/s`);
  const latency = trends.input_latency;
  if (latency !== undefined) parts.push(`input_latency p95 ${humanizeDuration(latency.p95)}`);
  parts.push(`errors ${state.errors}`);
  return parts.join(' · ');
}

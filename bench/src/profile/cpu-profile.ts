// Reading a V8 CPU profile (the .cpuprofile JSON Node's --cpu-prof writes): where a process spent its time, by
// function, over the whole profile or one window of it.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  /** 0-based, -1 when unknown. */
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

/** The parts of a .cpuprofile read here. */
export interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds on the monotonic clock. */
  startTime: number;
  endTime: number;
  /** The node on top of the stack at each sample. */
  samples: number[];
  /** Microseconds from the previous sample (the first: from `startTime`). */
  timeDeltas: number[];
}

/** One function's share of the sampled time: its self time, summed over every call path it was sampled on. */
export interface FunctionTime {
  functionName: string;
  /** `file:line` (1-based), relative to `root` when under it; empty for V8's own entries like `(garbage collector)`. */
  location: string;
  selfMs: number;
  /** Of the busy time: every sample but `(idle)`. */
  percent: number;
}

export interface ProfileSummary {
  /** Sampled wall time covered, in ms. */
  sampledMs: number;
  /**
   * Of which not `(idle)`. Wall time, not CPU time: a thread that was running JavaScript but waiting for a core
   * counts, so on a busy machine this exceeds the CPU /proc reports.
   */
  busyMs: number;
  top: FunctionTime[];
}

export function readCpuProfile(path: string): CpuProfile {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Partial<CpuProfile>;
  if (
    !Array.isArray(profile.nodes) ||
    !Array.isArray(profile.samples) ||
    !Array.isArray(profile.timeDeltas) ||
    typeof profile.startTime !== 'number'
  ) {
    throw new Error(`${path} is not a V8 CPU profile (no nodes, samples, timeDeltas and startTime)`);
  }
  return profile as CpuProfile;
}

function locationOf(frame: CallFrame, root: string): string {
  if (!frame.url) return '';
  const file = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  const shown = file.startsWith(root) ? relative(root, file) : file;
  return frame.lineNumber >= 0 ? `${shown}:${frame.lineNumber + 1}` : shown;
}

/**
 * The `count` functions with the most self time. A sample stands for the time until the next one (the last, for
 * the mean interval), as DevTools counts it; with `window`, only samples taken within it count.
 */
export function topFunctions(
  profile: CpuProfile,
  options: { count: number; root: string; window?: { start: number; end: number } },
): ProfileSummary {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const samples = profile.samples.length;
  const meanInterval = samples > 0 ? ((profile.endTime ?? profile.startTime) - profile.startTime) / samples : 0;
  const byFunction = new Map<string, { functionName: string; location: string; selfUs: number }>();
  let sampledUs = 0;
  let idleUs = 0;
  let at = profile.startTime;
  for (let i = 0; i < samples; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (options.window && (at < options.window.start || at > options.window.end)) continue;
    const frame = frames.get(profile.samples[i]!);
    if (!frame) continue;
    const us = i + 1 < samples ? (profile.timeDeltas[i + 1] ?? 0) : meanInterval;
    sampledUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const location = locationOf(frame, options.root);
    const name = frame.functionName || '(anonymous)';
    const key = `${name} ${location}:${frame.columnNumber}`;
    const entry = byFunction.get(key) ?? { functionName: name, location, selfUs: 0 };
    entry.selfUs += us;
    byFunction.set(key, entry);
  }
  const busyUs = sampledUs - idleUs;
  const top = [...byFunction.values()]
    .sort((a, b) => b.selfUs - a.selfUs)
    .slice(0, options.count)
    .map((f) => ({
      functionName: f.functionName,
      location: f.location,
      selfMs: f.selfUs / 1000,
      percent: busyUs > 0 ? (f.selfUs / busyUs) * 100 : 0,
    }));
  return { sampledMs: sampledUs / 1000, busyMs: busyUs / 1000, top };
}

/** The summary as lines for a terminal: busy time, then one line per function. */
export function formatSummary(title: string, summary: ProfileSummary): string[] {
  return [
    `${title}: ${summary.busyMs.toFixed(0)} ms not idle of ${summary.sampledMs.toFixed(0)} ms sampled (wall time; ` +
      '% of the not-idle time)',
    ...summary.top.map(
      (f) =>
        `  ${f.percent.toFixed(1).padStart(5)} %  ${f.selfMs.toFixed(0).padStart(6)} ms  ${f.functionName}` +
        `${f.location ? `  ${f.location}` : ''}`,
    ),
  ];
}

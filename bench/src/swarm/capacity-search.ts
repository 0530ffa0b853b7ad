// The capacity search on its own, apart from any measuring: which bot count to try next given the verdicts so far,
// and what a verdict is. Coarse steps up until a step fails, then halving the gap down to the finest step.

export interface CapacityPlan {
  /** The first count tried, and the coarse step up from each passing count. */
  step: number;
  /** The search stops once the largest pass and the smallest failure are this close. */
  finest: number;
  /** Never more bots than this; reaching it passing ends the search. */
  max: number;
}

export interface ProbeVerdict {
  bots: number;
  passed: boolean;
}

/** The largest passing count below every failure (failures above a pass are what bound it), or 0. */
export function capacityOf(probes: readonly ProbeVerdict[]): number {
  const lowestFailure = Math.min(...probes.filter((p) => !p.passed).map((p) => p.bots));
  return Math.max(0, ...probes.filter((p) => p.passed && p.bots < lowestFailure).map((p) => p.bots));
}

/** The next count to try, or undefined when the search is over. */
export function nextProbe(probes: readonly ProbeVerdict[], plan: CapacityPlan): number | undefined {
  const failures = probes.filter((p) => !p.passed).map((p) => p.bots);
  const pass = capacityOf(probes);
  if (failures.length === 0) {
    const next = pass + plan.step;
    if (pass >= plan.max) return undefined;
    return Math.min(next, plan.max);
  }
  const failure = Math.min(...failures);
  if (failure - pass <= plan.finest) return undefined;
  const half = Math.max(plan.finest, Math.round((failure - pass) / 2 / plan.finest) * plan.finest);
  const next = pass + half;
  return next < failure ? next : undefined;
}

/** What one load step measured, as far as the verdict needs it. */
export interface LoadFigures {
  requestedBots: number;
  /** Bots still connected at the end of the window. */
  bots: number;
  p99Ms: number;
  samples: number;
  joinFailures: number;
  disconnects: number;
  /** Inputs sent over inputs the bots should have sent in the window (1 when they kept to the rate). */
  inputRatio: number;
  inputsBlocked: number;
}

export interface LoadLimits {
  p99Ms: number;
  /** Below this share of the intended input rate the bots count as fallen behind. */
  minInputRatio: number;
}

export const DEFAULT_LIMITS: LoadLimits = { p99Ms: 100, minInputRatio: 0.95 };

/** Whether a load step holds, and if not the first reason it does not. */
export function judgeLoad(load: LoadFigures, limits: LoadLimits = DEFAULT_LIMITS): { passed: boolean; reason: string } {
  const fail = (reason: string) => ({ passed: false, reason });
  if (load.joinFailures > 0) return fail(`${load.joinFailures} of ${load.requestedBots} joins failed`);
  if (load.disconnects > 0 || load.bots < load.requestedBots) return fail(`${load.disconnects} bots disconnected`);
  if (load.samples === 0) return fail('no input was acknowledged');
  if (load.inputsBlocked > 0) return fail(`${load.inputsBlocked} inputs held back: too many unacknowledged`);
  if (load.inputRatio < limits.minInputRatio) {
    return fail(`bots sent ${(load.inputRatio * 100).toFixed(1)} % of their inputs (fell behind)`);
  }
  if (!(load.p99Ms <= limits.p99Ms)) return fail(`p99 ${load.p99Ms.toFixed(1)} ms > ${limits.p99Ms} ms`);
  return { passed: true, reason: `p99 ${load.p99Ms.toFixed(1)} ms ≤ ${limits.p99Ms} ms` };
}

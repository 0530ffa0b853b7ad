import type { SupervisionPolicy, SupervisionStrategy } from './behavior.js';

export interface ResolvedPolicy {
  readonly strategy: SupervisionStrategy;
  readonly maxRestarts: number;
  readonly withinMs: number;
}

export function resolvePolicy(policy: SupervisionPolicy | undefined): ResolvedPolicy {
  return {
    strategy: policy?.strategy ?? 'restart',
    maxRestarts: policy?.maxRestarts ?? 3,
    withinMs: policy?.withinMs ?? 5000,
  };
}

/**
 * Restart intensity as in OTP: records a restart at `now` and says whether it fits the budget of `maxRestarts`
 * within the last `withinMs`. `restarts` holds the recent restart times and is pruned in place.
 */
export function allowRestart(restarts: number[], policy: ResolvedPolicy, now: number): boolean {
  const since = now - policy.withinMs;
  let kept = 0;
  for (const at of restarts) if (at > since) restarts[kept++] = at;
  restarts.length = kept;
  if (kept >= policy.maxRestarts) return false;
  restarts.push(now);
  return true;
}

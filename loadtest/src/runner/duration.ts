// k6's duration strings ("30s", "1m30s", "250ms", "2h") and plain numbers, which k6 takes as milliseconds.

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds; throws a TypeError naming `what` for anything that is not a duration. */
export function parseDuration(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string' || !/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(value)) {
    throw new TypeError(`${what}: ${JSON.stringify(value)} is not a duration such as 30s, 1m30s or 250ms`);
  }
  let total = 0;
  for (const [, amount, unit] of value.matchAll(PART)) total += Number(amount) * UNIT_MS[unit!]!;
  return total;
}

/** A duration the way k6 prints elapsed time: 1m05.0s. */
export function formatElapsed(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const seconds = (ms % 60_000) / 1000;
  return `${minutes}m${seconds.toFixed(1).padStart(4, '0')}s`;
}

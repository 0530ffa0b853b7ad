// `k6`: check and sleep.
import { sink } from './sample-sink.js';
import { requireVu, sampleTags } from './vu.js';

type Checker<T> = ((value: T) => unknown) | unknown;

/**
 * Runs each named check against `value`, records each result in the `checks` rate (tagged `check: <name>`) and
 * returns whether all passed. A check function that throws propagates, as in k6.
 */
export function check<T>(value: T, sets: Record<string, Checker<T>>, tags?: Record<string, string>): boolean {
  const vu = requireVu('check');
  if (vu.current === undefined) throw new Error('check can only be used while a VU runs an iteration');
  let all = true;
  for (const [name, checker] of Object.entries(sets)) {
    const passed = Boolean(typeof checker === 'function' ? (checker as (v: T) => unknown)(value) : checker);
    const { tags: merged, key } = sampleTags(vu, { ...tags, check: name });
    sink.add('checks', passed ? 1 : 0, merged, key);
    all &&= passed;
  }
  return all;
}

/** Suspends the VU for `seconds`: the thread goes on with other VUs, this one does nothing until then. */
export function sleep(seconds: number): void {
  requireVu('sleep').sleep(Number(seconds) * 1000);
}

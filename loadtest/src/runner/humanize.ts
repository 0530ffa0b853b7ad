// Values as k6's end-of-test summary prints them: rates as truncated percentages, data in kB/MB (base 1000),
// durations in the largest unit that fits (µs, ms, s, then 1m05s), plain numbers with up to 6 decimals.

function trimmed(value: number, decimals: number): string {
  return String(Number.parseFloat(value.toFixed(decimals)));
}

function truncated(value: number, decimals: number): string {
  const scale = 10 ** decimals;
  return trimmed(Math.trunc(value * scale) / scale, decimals);
}

export function humanizeBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  if (bytes < 10) return `${bytes} B`;
  const e = Math.min(Math.floor(Math.log(bytes) / Math.log(1000)), units.length - 1);
  const value = Math.floor((bytes / 1000 ** e) * 10 + 0.5) / 10;
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[e]}`;
}

export function humanizeDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0.001) return `${Math.trunc(ms * 1_000_000)}ns`;
  if (ms < 1) return `${truncated(ms * 1000, 2)}µs`;
  if (ms < 1000) return `${truncated(ms, 2)}ms`;
  let text = `${truncated((ms % 60_000) / 1000, ms > 60_000 ? 0 : 2)}s`;
  let rest = Math.trunc(ms / 60_000);
  if (rest < 1) return text;
  text = `${rest % 60}m${text}`;
  rest = Math.trunc(rest / 60);
  return rest < 1 ? text : `${rest}h${text}`;
}

export function humanizeValue(value: number, type: string, contains: string): string {
  if (type === 'rate') return `${(Math.trunc(value * 100 * 100) / 100).toFixed(2)}%`;
  if (contains === 'data') return humanizeBytes(value);
  if (contains === 'time') return humanizeDuration(value);
  return trimmed(value, 6);
}

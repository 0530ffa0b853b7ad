/**
 * What counts as one of PacketFlow's environment variables in code and in deployment files: its own `PACKETFLOW_*`
 * and the few conventional names it reads. NODE_ENV is one only when a package reads it; libraries read it anyway.
 */
export const VARIABLE_NAME = /\b(?:PACKETFLOW_[A-Z0-9]+(?:_[A-Z0-9]+)*|REDIS_URL|LOG_LEVEL|NODE_ENV)\b/g;

/** The names deployment files are checked for: a setting of NODE_ENV is for the libraries, not for PacketFlow. */
export function isCheckedName(name: string): boolean {
  return /^(?:PACKETFLOW_[A-Z0-9_]+|REDIS_URL|LOG_LEVEL)$/.test(name);
}

/** Every variable name in `text`. */
export function namesIn(text: string): string[] {
  return [...text.matchAll(VARIABLE_NAME)].map((match) => match[0]);
}

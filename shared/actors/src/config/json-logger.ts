import type { Logger } from '../behavior.js';

/** The runtime's logger plus `info`, for the few lines a node prints about its own life (started, leaving, left). */
export interface NodeLogger extends Logger {
  info(message: string, fields?: Record<string, unknown>): void;
}

interface Writable {
  write(line: string): unknown;
}

/** Structured logs: one JSON object per line; info on `out` (stdout unless set), warnings and errors on stderr. */
export function jsonLogger(out: Writable = process.stdout, err: Writable = process.stderr): NodeLogger {
  const line = (stream: Writable, level: string, msg: string, fields?: Record<string, unknown>) =>
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }, errorsAsText)}\n`);
  return {
    info: (message, fields) => line(out, 'info', message, fields),
    warn: (message, fields) => line(err, 'warn', message, fields),
    error: (message, fields) => line(err, 'error', message, fields),
  };
}

// JSON.stringify turns an Error into {}, which would hide the very thing worth logging.
function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? String(value) : value;
}

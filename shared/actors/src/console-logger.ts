import type { Logger } from './behavior.js';

/** The logger used when none is given: lines on stderr, tagged with the part of the runtime that wrote them. */
export function consoleLogger(tag: string): Logger {
  return {
    warn: (message, fields) => console.warn(`[${tag}] ${message}`, fields ?? ''),
    error: (message, fields) => console.error(`[${tag}] ${message}`, fields ?? ''),
  };
}

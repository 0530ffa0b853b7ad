import type { Logger } from '../behavior.js';

export const membershipConsoleLogger: Logger = {
  warn: (message, fields) => console.warn(`[membership] ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`[membership] ${message}`, fields ?? ''),
};

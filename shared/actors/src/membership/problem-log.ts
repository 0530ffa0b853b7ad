import type { Logger } from '../behavior.js';

/**
 * Logs a recurring problem once instead of at every heartbeat or read: a key is logged again only after it was
 * cleared or when its detail changes.
 */
export class ProblemLog {
  private readonly active = new Map<string, string>();

  constructor(private readonly logger: Logger) {}

  report(key: string, detail: string, message: string, fields?: Record<string, unknown>): void {
    if (this.active.get(key) === detail) return;
    this.active.set(key, detail);
    this.logger.warn(message, fields);
  }

  /** Returns whether the problem was active, so the caller can log the recovery. */
  clear(key: string): boolean {
    return this.active.delete(key);
  }
}

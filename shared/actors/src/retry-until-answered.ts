import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './behavior.js';
import {
  ActorStoppedError,
  AskTimeoutError,
  HandlerError,
  NotOwnerError,
  PeerDownError,
  PeerOverloadedError,
  UnknownKindError,
} from './errors.js';

/**
 * Whether a failed ask may have gone unanswered for a reason that passes: the target's node down, restarting or not
 * yet back in the cluster, not the owner in its own view while the members' views differ, too slow to answer, or
 * its handler failing on something it depends on (a store, another service). A refusal, or a message its actor does
 * not know, would fail the same way again.
 */
export function worthRetrying(error: unknown): boolean {
  return (
    error instanceof PeerDownError ||
    error instanceof PeerOverloadedError ||
    error instanceof NotOwnerError ||
    error instanceof AskTimeoutError ||
    error instanceof UnknownKindError ||
    error instanceof ActorStoppedError ||
    error instanceof HandlerError
  );
}

/** How `retryUntilAnswered` retries: the first pause, doubled after each attempt up to the longest, for so long. */
export interface RetryPacing {
  /** 100 ms unless set. */
  readonly firstDelayMs?: number;
  /** 2 s unless set. */
  readonly maxDelayMs?: number;
  /** No attempt starts after this long from the first; 30 s unless set, a service restart with room to spare. */
  readonly giveUpAfterMs?: number;
}

export interface RetryOptions extends RetryPacing {
  /** Where the retry and the giving up are told; nowhere unless set. */
  readonly logger?: Logger;
  /** Logged at warning at the first retry. */
  readonly retrying: string;
  /** Logged at error when no attempt was answered in the end. */
  readonly failure: string;
  /** Further fields of the log lines, e.g. the player and the match. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * Runs an ask again, with growing pauses, while it fails in a way that passes (`worthRetrying`) and for a bounded
 * time: what a supervisor restarting a service takes. Only for asks whose repeat does no harm (idempotent, or keyed
 * so that the receiver applies them once). Never rejects: resolves the answer, or undefined when it gave up.
 */
export async function retryUntilAnswered<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T | undefined> {
  const giveUpAfterMs = options.giveUpAfterMs ?? 30_000;
  const maxDelayMs = options.maxDelayMs ?? 2_000;
  let delayMs = options.firstDelayMs ?? 100;
  const started = performance.now();
  for (let attempts = 1; ; attempts++) {
    try {
      return await attempt();
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (!worthRetrying(error) || performance.now() - started + delayMs > giveUpAfterMs) {
        options.logger?.error(options.failure, { ...options.fields, attempts, error: text });
        return undefined;
      }
      if (attempts === 1) options.logger?.warn(options.retrying, { ...options.fields, error: text });
      await sleep(delayMs);
      delayMs = Math.min(2 * delayMs, maxDelayMs);
    }
  }
}

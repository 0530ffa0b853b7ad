import type { Address } from '@packetflow/protocol';
import { AskTimeoutError } from './errors.js';

/** Correlation ids stay small integers so a queued reply id never boxes a number. */
const MAX_ID = 0x3fffffff;

class PendingAsk {
  constructor(
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
    readonly timer: NodeJS.Timeout,
    readonly address: Address,
    readonly messageType: string,
    readonly timeoutMs: number,
    /** The node the ask went to, for asks sent to other nodes. */
    public node: string | undefined,
    /** performance.now() when the ask was opened. */
    readonly openedAt: number,
  ) {}
}

function expire(table: AskTable, id: number): void {
  table.expire(id);
}

/** Asks waiting for a reply, keyed by correlation id, each with its deadline timer. */
export class AskTable {
  private readonly pending = new Map<number, PendingAsk>();
  private nextId = 0;
  private readonly onTimeout: () => void;
  private readonly onSettled: (seconds: number) => void;

  /** `onSettled` gets how long each ask waited, however it ended: replied, failed, timed out. */
  constructor(onTimeout: () => void, onSettled: (seconds: number) => void) {
    this.onTimeout = onTimeout;
    this.onSettled = onSettled;
  }

  /** Registers an ask under `id` (from `nextCorrelationId`) and returns the promise its reply settles. */
  open(id: number, address: Address, messageType: string, timeoutMs: number, node?: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(expire, timeoutMs, this, id);
      const ask = new PendingAsk(resolve, reject, timer, address, messageType, timeoutMs, node, performance.now());
      this.pending.set(id, ask);
    });
  }

  retarget(id: number, node: string): void {
    const ask = this.pending.get(id);
    if (ask !== undefined) ask.node = node;
  }

  /** Rejects every ask that went to `node`: it is gone, so waiting for their deadlines would only waste them. */
  rejectNode(node: string, error: () => unknown): number {
    let count = 0;
    for (const [id, ask] of this.pending) {
      if (ask.node !== node) continue;
      this.pending.delete(id);
      clearTimeout(ask.timer);
      this.settled(ask);
      ask.reject(error());
      count++;
    }
    return count;
  }

  isWaiting(id: number): boolean {
    return this.pending.has(id);
  }

  /** What an ask still waiting under `id` was sent to, for rebuilding errors that arrive as codes. */
  waiting(id: number): { address: Address; messageType: string; timeoutMs: number } | undefined {
    return this.pending.get(id);
  }

  nextCorrelationId(): number {
    this.nextId = this.nextId >= MAX_ID ? 1 : this.nextId + 1;
    return this.nextId;
  }

  /** False when the ask is no longer waiting: its deadline passed, so the reply is late. */
  resolve(id: number, value: unknown): boolean {
    const ask = this.pending.get(id);
    if (ask === undefined) return false;
    this.pending.delete(id);
    clearTimeout(ask.timer);
    this.settled(ask);
    ask.resolve(value);
    return true;
  }

  reject(id: number, error: unknown): void {
    const ask = this.pending.get(id);
    if (ask === undefined) return;
    this.pending.delete(id);
    clearTimeout(ask.timer);
    this.settled(ask);
    ask.reject(error);
  }

  expire(id: number): void {
    const ask = this.pending.get(id);
    if (ask === undefined) return;
    this.pending.delete(id);
    this.onTimeout();
    this.settled(ask);
    ask.reject(new AskTimeoutError(ask.address, ask.messageType, ask.timeoutMs));
  }

  rejectAll(error: unknown): void {
    for (const ask of this.pending.values()) {
      clearTimeout(ask.timer);
      this.settled(ask);
      ask.reject(error);
    }
    this.pending.clear();
  }

  private settled(ask: PendingAsk): void {
    this.onSettled((performance.now() - ask.openedAt) / 1000);
  }
}

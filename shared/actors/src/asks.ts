import type { Address } from '@packetflow/protocol';
import { AskDeadlines, type Deadline } from './ask-deadlines.js';
import { AskSlots } from './ask-slots.js';
import { AskTimeoutError } from './errors.js';

/** Correlation ids stay small integers so a queued reply id never boxes a number. */
const MAX_ID = 0x3fffffff;

/**
 * Where an ask's outcome goes: a promise's resolvers, or functions shared by every ask of one caller, given the
 * `context` that caller registered the ask with (so that no promise or closure is made per ask).
 */
export interface AskOutcome<C = unknown> {
  resolve(value: unknown, context: C): void;
  reject(error: unknown, context: C): void;
}

class PendingAsk implements Deadline<PendingAsk> {
  prev: PendingAsk | null = null;
  next: PendingAsk | null = null;

  constructor(
    readonly id: number,
    readonly outcome: AskOutcome,
    readonly context: unknown,
    readonly address: Address,
    readonly messageType: string,
    readonly timeoutMs: number,
    /** The node the ask went to, for asks sent to other nodes. */
    public node: string | undefined,
    /** performance.now() when the ask was opened. */
    readonly openedAt: number,
    readonly deadline: number,
  ) {}
}

/** The resolvers of one promise, as an outcome. */
class PromiseOutcome implements AskOutcome {
  constructor(
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
  ) {}
}

/**
 * Asks waiting for a reply, keyed by correlation id. Their deadlines share one timer (AskDeadlines) instead of a
 * `setTimeout` each: an ask answered in microseconds costs no timer work at all.
 */
export class AskTable {
  private readonly pending = new AskSlots<PendingAsk>();
  private readonly deadlines = new AskDeadlines<PendingAsk>((ask) => this.expire(ask));
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
      this.add(id, new PromiseOutcome(resolve, reject), undefined, address, messageType, timeoutMs, node);
    });
  }

  /** Registers an ask under `id` whose outcome is handed to `outcome` with `context`, synchronously. */
  openWith<C>(
    id: number,
    outcome: AskOutcome<C>,
    context: C,
    address: Address,
    messageType: string,
    timeoutMs: number,
  ) {
    this.add(id, outcome as AskOutcome, context, address, messageType, timeoutMs, undefined);
  }

  private add(
    id: number,
    outcome: AskOutcome,
    context: unknown,
    address: Address,
    messageType: string,
    timeoutMs: number,
    node: string | undefined,
  ): void {
    const now = performance.now();
    const ask = new PendingAsk(id, outcome, context, address, messageType, timeoutMs, node, now, now + timeoutMs);
    this.pending.add(ask);
    this.deadlines.add(ask);
  }

  retarget(id: number, node: string): void {
    const ask = this.pending.get(id);
    if (ask !== undefined) ask.node = node;
  }

  /** Rejects every ask that went to `node`: it is gone, so waiting for their deadlines would only waste them. */
  rejectNode(node: string, error: () => unknown): number {
    const gone: PendingAsk[] = [];
    for (const ask of this.pending.values()) if (ask.node === node) gone.push(ask);
    for (const ask of gone) {
      this.take(ask);
      ask.outcome.reject(error(), ask.context);
    }
    return gone.length;
  }

  isWaiting(id: number): boolean {
    return this.pending.get(id) !== undefined;
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
    this.take(ask);
    ask.outcome.resolve(value, ask.context);
    return true;
  }

  reject(id: number, error: unknown): void {
    const ask = this.pending.get(id);
    if (ask === undefined) return;
    this.take(ask);
    ask.outcome.reject(error, ask.context);
  }

  rejectAll(error: unknown): void {
    const all = this.pending.values();
    for (const ask of all) {
      this.take(ask);
      ask.outcome.reject(error, ask.context);
    }
    this.deadlines.stopIfIdle();
  }

  /** Called by the deadlines with an ask whose deadline passed; it is already off their lists. */
  private expire(ask: PendingAsk): void {
    this.pending.delete(ask);
    this.onTimeout();
    this.settled(ask);
    ask.outcome.reject(new AskTimeoutError(ask.address, ask.messageType, ask.timeoutMs), ask.context);
  }

  /** Takes a waiting ask out of the table and its deadline list before its outcome is told. */
  private take(ask: PendingAsk): void {
    this.pending.delete(ask);
    this.deadlines.remove(ask);
    this.settled(ask);
  }

  private settled(ask: PendingAsk): void {
    this.onSettled((performance.now() - ask.openedAt) / 1000);
  }
}

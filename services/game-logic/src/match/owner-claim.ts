import type { DurableStore } from '@packetflow/actors';
import { withDeadline } from './with-deadline.js';

/**
 * A fencing token for a match's checkpoints: each activation that loads a match takes the next epoch and writes
 * it, with its node, under the match's owner key; a checkpoint is written only while that key still holds the
 * writer's own claim. A host that was cut off (or paused) and ticked on meanwhile finds a newer claim there and
 * stops, instead of overwriting the checkpoints of the host that took the match over.
 */
export interface OwnerClaim {
  readonly epoch: number;
  readonly node: string;
  /** Its holder handed the match over (its last checkpoint written): the next owner need not wait for it. */
  readonly released?: boolean;
}

/** A newer activation, on this node or another, has claimed the match: this one must stop and write nothing. */
export class FencedError extends Error {
  constructor(
    readonly matchId: string,
    readonly mine: OwnerClaim,
    readonly current: OwnerClaim,
  ) {
    super(
      `match ${matchId} was claimed by ${current.node} (epoch ${current.epoch}) after ${mine.node} (epoch ${mine.epoch})`,
    );
    this.name = 'FencedError';
  }
}

/** The store key of a match's owner claim, beside its checkpoint. */
export function ownerKey(matchId: string): string {
  return `match/${matchId}/owner`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function encodeClaim(claim: OwnerClaim): Uint8Array {
  return encoder.encode(JSON.stringify(claim));
}

/** A claim as stored; anything else (a foreign or damaged value) reads as no claim. */
function decodeClaim(bytes: Uint8Array | undefined): OwnerClaim | undefined {
  if (bytes === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes));
    if (typeof value !== 'object' || value === null) return undefined;
    const { epoch, node, released } = value as Record<string, unknown>;
    if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) return undefined;
    if (typeof node !== 'string') return undefined;
    return released === true ? { epoch, node, released } : { epoch, node };
  } catch {
    return undefined;
  }
}

const NEVER: Promise<never> = new Promise(() => {});

/** How often a holder that has not released yet is asked again to hand its match over. */
const REASK_MS = 250;

/** The owner claims of matches in one store, each call bounded by `timeoutMs`. */
export class OwnerClaims {
  constructor(
    private readonly store: DurableStore,
    private readonly timeoutMs: number,
  ) {}

  async current(matchId: string): Promise<OwnerClaim | undefined> {
    return decodeClaim(await withDeadline(this.store.get(ownerKey(matchId)), this.timeoutMs, 'owner claim read'));
  }

  /**
   * Takes the next epoch of the match for `node`. While the claim before it is held by another node that
   * `handsOver` (a live member, which hands its matches over as it loses them), it first waits up to `waitMs` for
   * that node to release it, so the checkpoint read next is the one it wrote last; `askRelease(holder)`, when given,
   * asks the holder for it at once rather than waiting for the holder to see that it lost the match.
   */
  async claim(
    matchId: string,
    node: string,
    handsOver: (holder: string) => boolean = () => false,
    waitMs = 0,
    askRelease?: (holder: string) => Promise<unknown>,
  ): Promise<OwnerClaim> {
    let previous = await this.current(matchId);
    const until = performance.now() + waitMs;
    let asked: Promise<unknown> | undefined;
    let askedAt = Number.NEGATIVE_INFINITY;
    while (previous?.released !== true && previous !== undefined && previous.node !== node) {
      if (!handsOver(previous.node) || performance.now() >= until) break;
      if (asked === undefined && askRelease !== undefined && performance.now() - askedAt >= REASK_MS) {
        const holder = previous.node;
        askedAt = performance.now();
        // Settles (answered or not) once; the claim is re-read at once then, and every 10 ms until the wait ends.
        // An ask that failed (the holder's link not back yet) is made again, at most every REASK_MS.
        asked = askRelease(holder).then(
          () => {
            asked = undefined;
          },
          () => {
            asked = undefined;
          },
        );
      }
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 10)), asked ?? NEVER]);
      previous = await this.current(matchId);
    }
    const claim: OwnerClaim = { epoch: (previous?.epoch ?? 0) + 1, node };
    await withDeadline(this.store.put(ownerKey(matchId), encodeClaim(claim)), this.timeoutMs, 'owner claim write');
    return claim;
  }

  /** Marks `mine` released, unless a newer claim was stored meanwhile (then it throws FencedError). */
  async release(matchId: string, mine: OwnerClaim): Promise<void> {
    await this.check(matchId, mine);
    const released: OwnerClaim = { epoch: mine.epoch, node: mine.node, released: true };
    await withDeadline(this.store.put(ownerKey(matchId), encodeClaim(released)), this.timeoutMs, 'owner claim write');
  }

  /**
   * Writes `value` under `key` only while `mine` is the stored claim, in one atomic step of the store: a host fenced
   * off between a check and its write (paused, cut off) cannot land a stale checkpoint afterwards. Throws
   * FencedError when another claim is stored; an older one (the store lost writes) is taken back first.
   */
  async writeIfMine(matchId: string, mine: OwnerClaim, key: string, value: Uint8Array): Promise<void> {
    const attempt = () =>
      withDeadline(
        this.store.putGuarded(key, value, ownerKey(matchId), encodeClaim(mine)),
        this.timeoutMs,
        'checkpoint write',
      );
    if (await attempt()) return;
    const current = await this.current(matchId);
    if (current !== undefined && current.epoch >= mine.epoch) throw new FencedError(matchId, mine, current);
    await withDeadline(this.store.put(ownerKey(matchId), encodeClaim(mine)), this.timeoutMs, 'owner claim write');
    if (await attempt()) return;
    throw new FencedError(matchId, mine, (await this.current(matchId)) ?? mine);
  }

  /**
   * Throws FencedError when the stored claim is newer than `mine`. An older one, or none, means the store lost
   * writes (a Redis restarted without its data), not that anyone claimed the match since.
   */
  async check(matchId: string, mine: OwnerClaim): Promise<void> {
    const current = await this.current(matchId);
    if (current === undefined || current.epoch < mine.epoch) return;
    if (current.epoch > mine.epoch || current.node !== mine.node) throw new FencedError(matchId, mine, current);
  }
}

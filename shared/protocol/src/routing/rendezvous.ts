import { encodeUtf8 } from '../codec/utf8.js';
import { MATCH_KIND, PHYSICS_KIND } from '../kinds.js';
import { fnv1a32, keyHash, rendezvousWeight } from './hash.js';
import type { Member } from './member.js';
import { RouteCache } from './route-cache.js';

/**
 * Kinds placed with another kind: an actor of such a kind is owned by whichever member of its own kind's hosts the
 * other kind's actor of the same id would be, so a node hosting both gets both (PROTOCOL.md §6). A match's physics
 * world goes with its match: the step between them is then a local call.
 */
export const PLACED_WITH: Readonly<Record<string, string>> = Object.freeze({ [PHYSICS_KIND]: MATCH_KIND });

/** The key an actor is placed by: its own kind's, or that of the kind it is placed with. */
export function placementKey(kind: string, id: string): number {
  return keyHash(PLACED_WITH[kind] ?? kind, id);
}

interface Candidate<M> {
  member: M;
  hash: number;
}

/**
 * Chooses the owner of an actor `(kind, id)` by rendezvous (highest-random-weight) hashing over the members that
 * host `kind`. Removing a member moves only the keys it owned; adding one moves only the keys it now wins.
 */
export class RendezvousRouter<M extends Member = Member> {
  private members = new Map<string, M>();
  private candidatesByKind = new Map<string, Candidate<M>[]>();
  private readonly cache: RouteCache<M>;

  constructor(members: readonly M[] = [], options: { cacheSize?: number } = {}) {
    this.cache = new RouteCache(options.cacheSize ?? 100_000);
    this.setMembers(members);
  }

  /** Replaces the live view of members. */
  setMembers(members: readonly M[]): void {
    this.members = new Map(members.map((m) => [m.id, m]));
    this.rebuild();
  }

  add(member: M): void {
    this.members.set(member.id, member);
    this.rebuild();
  }

  remove(memberId: string): boolean {
    const removed = this.members.delete(memberId);
    if (removed) this.rebuild();
    return removed;
  }

  get memberList(): M[] {
    return [...this.members.values()];
  }

  /** The member that owns `(kind, id)`, or undefined when no live member hosts `kind`. */
  owner(kind: string, id: string): M | undefined {
    const cached = this.cache.get(kind, id);
    if (cached !== undefined) return cached;
    const candidates = this.candidatesByKind.get(kind);
    if (!candidates || candidates.length === 0) return undefined;
    const key = placementKey(kind, id);
    let best = candidates[0]!;
    let bestWeight = rendezvousWeight(best.hash, key);
    for (let i = 1; i < candidates.length; i++) {
      const candidate = candidates[i]!;
      const weight = rendezvousWeight(candidate.hash, key);
      // Candidates are sorted by id, so on equal weights the first (lowest id) keeps the key.
      if (weight > bestWeight) {
        best = candidate;
        bestWeight = weight;
      }
    }
    this.cache.set(kind, id, best.member);
    return best.member;
  }

  get cacheStats(): { hits: number; misses: number; size: number } {
    return { hits: this.cache.hits, misses: this.cache.misses, size: this.cache.size };
  }

  private rebuild(): void {
    const byKind = new Map<string, Candidate<M>[]>();
    const sorted = [...this.members.values()].sort((a, b) => compareUtf8(a.id, b.id));
    for (const member of sorted) {
      const hash = fnv1a32(member.id);
      for (const role of new Set(member.roles)) {
        let list = byKind.get(role);
        if (!list) {
          list = [];
          byKind.set(role, list);
        }
        list.push({ member, hash });
      }
    }
    this.candidatesByKind = byKind;
    this.cache.clear();
  }
}

/**
 * Whether rendezvous routing gives `(kind, id)` to member `a` rather than to member `b` when both host `kind`, in
 * any view that holds both: the answer depends on the two ids alone, so two nodes whose views differ agree on it.
 */
export function outranks(kind: string, id: string, a: string, b: string): boolean {
  const key = placementKey(kind, id);
  const wa = rendezvousWeight(fnv1a32(a), key);
  const wb = rendezvousWeight(fnv1a32(b), key);
  return wa > wb || (wa === wb && compareUtf8(a, b) < 0);
}

/** Orders strings by their UTF-8 bytes, as other languages compare byte strings. */
function compareUtf8(a: string, b: string): number {
  const x = encodeUtf8(a);
  const y = encodeUtf8(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

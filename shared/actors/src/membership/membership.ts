import type { Member } from '@packetflow/protocol';
import type { Lease } from './lease.js';

export interface MemberInfo extends Member {
  /** host:port where this member's actor transport listens. */
  readonly address: string;
  /** ms since the Unix epoch when this member process started; a restarted member has a newer one. */
  readonly startedAt: number;
}

/**
 * Who is registered in the cluster. Liveness of connections is not its concern: the cluster layer overlays
 * suspicion from dropped TCP connections on top of this view.
 */
export interface Membership {
  /**
   * Registers `self` and starts watching; resolves once the first full view is known (self included). Listeners are
   * not called for that first view: read it with `members()` once this resolves. Where members register themselves
   * (Redis), `beforeRegistering` is called first with the members already registered, so the new member can link
   * to them before any of them routes an actor to it; where the others know it from configuration (static), it is
   * not called.
   */
  start(self: MemberInfo, beforeRegistering?: (others: readonly MemberInfo[]) => Promise<void>): Promise<void>;
  /** The current view: registered, live members, self included, sorted by id. Empty before `start`. */
  members(): readonly MemberInfo[];
  /**
   * Whether a node of this id may link to this one at all, once it has proved the cluster secret. Static membership
   * admits the ids it lists and no other; Redis membership admits any id, since registering is what makes a member.
   */
  admits(nodeId: string): boolean;
  /**
   * Called with the new full view after every change (join, leave, expiry, a member restarting with a newer
   * startedAt). Returns an unsubscribe function.
   */
  onChange(listener: (members: readonly MemberInfo[]) => void): () => void;
  /**
   * Deregisters self so others see the leave at once (well under 100 ms), then stops watching. Idempotent. The last
   * view stays readable afterwards but no longer changes.
   */
  leave(): Promise<void>;
  /**
   * This member's hold on its own registration, for memberships where the others can drop a member that stops
   * renewing (Redis: its record's TTL). Absent where no one can (static): such a member is always current.
   */
  readonly lease?: Lease;
}

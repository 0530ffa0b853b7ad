import { ActorRef } from '@packetflow/actors';
import type { SnapshotMessage } from '@packetflow/protocol';

/**
 * A room's address from the key a checkpoint keeps it under (`<kind>/<id>@<node>`, as `ActorRef.toString()` gives
 * it for a pinned ref); undefined for none, or for anything else, which a damaged or foreign record may hold.
 */
export function roomOf(key: string | Uint8Array | null): ActorRef | undefined {
  if (typeof key !== 'string') return undefined;
  const slash = key.indexOf('/');
  const at = key.lastIndexOf('@');
  if (slash <= 0 || at <= slash + 1 || at === key.length - 1) return undefined;
  return new ActorRef(key.slice(0, slash), key.slice(slash + 1, at), key.slice(at + 1), null);
}

/**
 * A gateway room as a match sees it: an actor that takes the match's `Snapshot`s (PROTOCOL.md §8). Its address comes
 * from a join's sender or a checkpoint, neither of which says what the actor takes; this is where that is said.
 */
export function asRoom(ref: ActorRef): ActorRef<SnapshotMessage> {
  return ref as ActorRef<SnapshotMessage>;
}

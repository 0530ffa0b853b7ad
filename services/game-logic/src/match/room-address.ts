import { ActorRef } from '@packetflow/actors';

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

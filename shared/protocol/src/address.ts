/**
 * Where a packet goes: an actor kind and an id within it. `node` pins the address to one node (a gateway room, the
 * reply-to of an ask); without it the owner is found by rendezvous hashing over the members that host `kind`.
 */
export interface Address {
  readonly kind: string;
  readonly id: string;
  readonly node?: string;
}

export function addressKey(address: Address): string {
  return address.node ? `${address.kind}/${address.id}@${address.node}` : `${address.kind}/${address.id}`;
}

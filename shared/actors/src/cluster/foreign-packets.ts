import { type Packet, PacketFlags } from '@packetflow/protocol';

/** What a node does with a packet from a peer, by whether it owns the packet's target (PROTOCOL.md §6). */
export type Disposition =
  | { readonly action: 'deliver' }
  | { readonly action: 'forward'; readonly to: string }
  | { readonly action: 'refuse'; readonly why: string };

const DELIVER: Disposition = { action: 'deliver' };

export interface OwnershipView {
  readonly nodeId: string;
  ownerOf(kind: string, id: string): string | undefined;
  /** Whether this node's link to `node` is open, so a packet passed on would be written now. */
  linkOpen(node: string): boolean;
}

/**
 * Delivers what this node owns, and what rendezvous routing gives to no member (the local refusal says why);
 * pinned targets, replies and the cluster's own `$system` packets are not subject to ownership. A virtual target
 * another member owns is passed on once when `passable`, or refused. A `Watch` is not passable: the owner would send
 * its `Down` back to this node rather than to the watcher's.
 */
export function dispositionOf(packet: Packet, from: string, view: OwnershipView, passable: boolean): Disposition {
  const { target } = packet;
  if ((packet.flags & PacketFlags.Reply) !== 0 || target.node !== undefined || target.kind === '$system') {
    return DELIVER;
  }
  const owner = view.ownerOf(target.kind, target.id);
  if (owner === undefined || owner === view.nodeId) return DELIVER;
  const whose = `${view.nodeId} sees ${owner} as the owner of ${target.kind}/${target.id}`;
  if (!passable) return { action: 'refuse', why: `${whose}; send it there` };
  // The hop limit: a packet passed on once is never passed on again, so views that disagree cannot bounce it.
  if ((packet.flags & PacketFlags.Forwarded) !== 0)
    return { action: 'refuse', why: `${whose}, and ${from} forwarded it already` };
  if (owner === from) return { action: 'refuse', why: `${whose}, the node it came from` };
  if (!view.linkOpen(owner)) return { action: 'refuse', why: `${whose}, which it cannot reach` };
  return { action: 'forward', to: owner };
}

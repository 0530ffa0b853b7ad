import { type Packet, PacketFlags } from '@packetflow/protocol';

/**
 * Correlation ids of relayed asks: above the endpoint's own (AskTable keeps those below 2^30), so a reply tells by
 * its id alone whether it answers this node's ask or one it passed on.
 */
const FIRST_RELAY_ID = 0x4000_0000;
const LAST_RELAY_ID = 0x7fff_ffff;
/** How long a relay waits for the owner when the ask carries no deadline, as the endpoint's default ask timeout. */
const DEFAULT_TTL_MS = 5000;

interface Relayed {
  /** The node the ask came from, and the ask as it came, under the id that node chose. */
  readonly origin: string;
  readonly ask: Packet;
  /** The node the ask was passed on to: only its reply is relayed back. */
  readonly owner: string;
  readonly timer: NodeJS.Timeout;
}

/**
 * Asks this node passed on to their owner (PROTOCOL.md §6). Replies travel back on the link an ask came from, so the
 * owner answers this node; it sends the answer on to the node that asked, under the id that node chose. A relay
 * whose owner never answers is forgotten at the ask's deadline, when its asker has given up too.
 */
export class AskRelay {
  private readonly relayed = new Map<number, Relayed>();
  private nextId = FIRST_RELAY_ID;

  /** The ask as it goes on to `owner`: under an id of this node's, so the owner's reply comes back here. */
  pass(ask: Packet, origin: string, owner: string, flags: number): Packet {
    const id = this.freeId();
    const timer = setTimeout(() => this.relayed.delete(id), ask.ttlMs > 0 ? ask.ttlMs : DEFAULT_TTL_MS);
    timer.unref();
    this.relayed.set(id, { origin, ask, owner, timer });
    return { ...ask, correlationId: id, flags };
  }

  /** The reply to send on to the asking node, when `reply` from `from` answers an ask this node passed on. */
  answer(reply: Packet, from: string): { packet: Packet; to: string } | undefined {
    if ((reply.flags & PacketFlags.Reply) === 0) return undefined;
    const relay = this.relayed.get(reply.correlationId);
    if (relay === undefined || relay.owner !== from) return undefined;
    this.relayed.delete(reply.correlationId);
    clearTimeout(relay.timer);
    return { packet: { ...reply, correlationId: relay.ask.correlationId }, to: relay.origin };
  }

  /** Forgets a relay whose ask could not be sent after all. */
  cancel(id: number): void {
    clearTimeout(this.relayed.get(id)?.timer);
    this.relayed.delete(id);
  }

  /** Forgets the asks passed on to `owner`, which is gone, and returns them as they came, to answer their askers. */
  ownerLost(owner: string): { origin: string; ask: Packet }[] {
    const lost: { origin: string; ask: Packet }[] = [];
    for (const [id, relay] of this.relayed) {
      if (relay.owner !== owner) continue;
      this.relayed.delete(id);
      clearTimeout(relay.timer);
      lost.push({ origin: relay.origin, ask: relay.ask });
    }
    return lost;
  }

  clear(): void {
    for (const relay of this.relayed.values()) clearTimeout(relay.timer);
    this.relayed.clear();
  }

  private freeId(): number {
    do {
      this.nextId = this.nextId >= LAST_RELAY_ID ? FIRST_RELAY_ID : this.nextId + 1;
    } while (this.relayed.has(this.nextId));
    return this.nextId;
  }
}

import type { Address, Message } from '@packetflow/protocol';
import { addressKey } from '@packetflow/protocol';
import type { Actor } from './actor.js';

/**
 * The address of an actor plus, as a cache, the activation it last resolved to, so a send through a held ref skips
 * the lookup. A ref with `node` is pinned to the activation `create()` made and dies with it; a ref without is
 * virtual: it stays valid forever and re-activates its actor on demand.
 */
export class ActorRef<M extends Message = Message> implements Address {
  /** Phantom: the messages this actor accepts, so `tell`/`send` can check them. Never set. */
  declare readonly messages?: M;
  readonly kind: string;
  readonly id: string;
  readonly node: string | undefined;
  /** @internal The activation this ref last resolved to; checked for liveness on every use. */
  target: Actor | null;

  constructor(kind: string, id: string, node: string | undefined, target: Actor | null) {
    this.kind = kind;
    this.id = id;
    this.node = node;
    this.target = target;
  }

  toString(): string {
    return addressKey(this);
  }
}

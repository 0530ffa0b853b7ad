import type { Message } from '@packetflow/protocol';
import type { Actor } from './actor.js';
import type { ActorRef } from './actor-ref.js';

/**
 * What the runtime asks of a cluster: which node owns an actor, and how to send to another node. Without one (a
 * single-process system) every actor is local and nothing is encoded.
 */
export interface RemoteRouting {
  /**
   * The node that owns virtual actor `(kind, id)`: this node's id when it is local, undefined when no live member
   * hosts `kind`.
   */
  ownerOf(kind: string, id: string): string | undefined;
  tell(node: string, target: ActorRef, message: Message, sender: ActorRef | undefined): void;
  ask(
    node: string,
    target: ActorRef,
    message: Message,
    sender: ActorRef | undefined,
    timeoutMs: number,
  ): Promise<unknown>;
  /** Delivers a `Down` (reason `node_down`) to `watcher` when `node` leaves or dies. */
  watchNode(watcher: Actor, node: string, target: ActorRef): void;
}

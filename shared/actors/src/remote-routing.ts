import type { Message } from '@packetflow/protocol';
import type { Actor } from './actor.js';
import type { ActorRef } from './actor-ref.js';
import type { DownReason } from './behavior.js';

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
  /** Whether this node may act as the owner of `(kind, id)` now: the owner in its view, with its membership current. */
  owns(kind: string, id: string): boolean;
  tell(node: string, target: ActorRef, message: Message, sender: ActorRef | undefined): void;
  ask(
    node: string,
    target: ActorRef,
    message: Message,
    sender: ActorRef | undefined,
    timeoutMs: number,
  ): Promise<unknown>;
  /**
   * Watches an actor on another node: the watcher gets a `Down` when that actor stops (the other node tells this
   * one) or when its node leaves or dies (reason `node_down`).
   */
  watchRemote(watcher: Actor, node: string, target: ActorRef): void;
  /** An actor of this node stopped: watchers on other nodes are told. */
  actorStopped(kind: string, id: string, reason: DownReason, detail: string): void;
}

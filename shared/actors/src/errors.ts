import type { Address } from '@packetflow/protocol';
import { addressKey } from '@packetflow/protocol';

/** Stable codes; they line up with the protocol's `ErrorCode` so a remote failure can be rebuilt as the same class. */
export type ActorErrorCode =
  | 'ask_timeout'
  | 'unknown_kind'
  | 'unknown_message'
  | 'handler_failed'
  | 'actor_stopped'
  | 'system_stopped'
  | 'packet_refused'
  | 'refused'
  | 'peer_down'
  | 'peer_overloaded'
  | 'not_owner';

export class ActorError extends Error {
  readonly code: ActorErrorCode;

  constructor(code: ActorErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export class AskTimeoutError extends ActorError {
  readonly address: Address;
  readonly messageType: string;
  readonly timeoutMs: number;

  constructor(address: Address, messageType: string, timeoutMs: number) {
    super('ask_timeout', `ask ${messageType} to ${addressKey(address)} got no reply within ${timeoutMs} ms`);
    this.address = address;
    this.messageType = messageType;
    this.timeoutMs = timeoutMs;
  }
}

export class UnknownKindError extends ActorError {
  readonly kind: string;

  /** `inCluster`: the system is a cluster member, so no live member (this one included) hosts the kind. */
  constructor(kind: string, inCluster = false) {
    super(
      'unknown_kind',
      inCluster
        ? `no live member of the cluster hosts actor kind "${kind}"`
        : `no behavior registered for actor kind "${kind}"`,
    );
    this.kind = kind;
  }
}

export class UnknownMessageError extends ActorError {
  readonly address: Address;
  readonly messageType: string;

  constructor(address: Address, messageType: string) {
    super('unknown_message', `${addressKey(address)} has no handler for "${messageType}"`);
    this.address = address;
    this.messageType = messageType;
  }
}

/** The handler (or `initial`) threw or its promise rejected; `cause` holds what it threw. */
export class HandlerError extends ActorError {
  readonly address: Address;
  readonly messageType: string;

  constructor(address: Address, messageType: string, cause: unknown) {
    super('handler_failed', `${addressKey(address)} failed handling "${messageType}": ${describe(cause)}`, { cause });
    this.address = address;
    this.messageType = messageType;
  }
}

export class ActorStoppedError extends ActorError {
  readonly address: Address;

  constructor(address: Address) {
    super('actor_stopped', `${addressKey(address)} has stopped`);
    this.address = address;
  }
}

export class SystemStoppedError extends ActorError {
  constructor() {
    super('system_stopped', 'the actor system is shutting down or has stopped');
  }
}

/**
 * Thrown by a handler to refuse a message it will not act on (bad input from a client, an operation that is not
 * allowed): the ask rejects with it, but it is not a failure of the actor, so supervision does not restart it and
 * its state stays as it was.
 */
export class RefusedError extends ActorError {
  constructor(message: string) {
    super('refused', message);
  }
}

/** A packet was refused by the node it was sent to or by this one: malformed, too large, invalid or unroutable. */
export class PacketRefusedError extends ActorError {
  /** The protocol's `ErrorCode` for why. */
  readonly errorCode: number;

  constructor(errorCode: number, message: string) {
    super('packet_refused', message);
    this.errorCode = errorCode;
  }
}

/**
 * The node an ask went to stopped answering (its connection dropped or it left) before replying. The message may
 * or may not have been handled; the ask fails at once instead of waiting for its deadline.
 */
export class PeerDownError extends ActorError {
  readonly node: string;

  constructor(node: string, detail: string) {
    super('peer_down', `node ${node} is down: ${detail}`);
    this.node = node;
  }
}

/** The outbound queue to a node is full (the node or the network is slower than the sender); the send was refused. */
export class PeerOverloadedError extends ActorError {
  readonly node: string;

  constructor(node: string, queued: number) {
    super('peer_overloaded', `the queue to node ${node} is full (${queued} packets); send refused`);
    this.node = node;
  }
}

/** How the text of a NotOwnerError starts on the wire, where its code is the protocol's `Unavailable`. */
export const NOT_OWNER_PREFIX = 'not the owner: ';

/**
 * The node an ask reached does not own its virtual target in that node's view of the cluster (views differ while a
 * member joins or leaves) and did not serve it, so no second copy of the actor was activated. Asking again routes by
 * the asker's view, which by then has usually caught up.
 */
export class NotOwnerError extends ActorError {
  constructor(detail: string) {
    super('not_owner', `${NOT_OWNER_PREFIX}${detail}`);
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

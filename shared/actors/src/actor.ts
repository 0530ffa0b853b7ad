import type { Message } from '@packetflow/protocol';
import { ActorRef } from './actor-ref.js';
import type { ActorContext, AskOptions, Behavior, Handler } from './behavior.js';
import type { Mailbox } from './mailbox.js';
import type { Runtime } from './runtime.js';
import type { ResolvedPolicy } from './supervision.js';
import type { ActorSystem } from './system.js';

/** On the run queue, or being run by it. */
export const SCHEDULED = 1;
/** An async handler is in flight; nothing else runs until it settles. */
export const RUNNING = 2;
/** `ctx.stop()` was called; the actor stops when the current handler finishes. */
export const STOPPING = 4;
/** Stopped or deactivated: this record is dead and refs holding it must resolve again. */
export const DEAD = 8;
/** Made by `create()`: pinned, never idle-deactivated, never re-activated. */
export const EXPLICIT = 16;

export type AnyHandler = Handler<unknown, Message, Message>;

/** A registered behavior and the activations of its kind. */
export class Kind {
  readonly name: string;
  readonly behavior: Behavior<unknown, Message, unknown>;
  readonly handlers: Map<string, AnyHandler>;
  readonly policy: ResolvedPolicy;
  readonly actors = new Map<string, Actor>();
  /** Watchers by watched id; lives here rather than on the activation so it survives deactivation. */
  watchers: Map<string, Actor[]> | null = null;
  /** Sweeps an idle actor must sit out before deactivation; 0 = never. */
  readonly idleSweeps: number;
  nextScan = 0;
  readonly runtime: Runtime;

  constructor(
    runtime: Runtime,
    name: string,
    behavior: Behavior<unknown, Message, unknown>,
    policy: ResolvedPolicy,
    idleSweeps: number,
  ) {
    this.runtime = runtime;
    this.name = name;
    this.behavior = behavior;
    this.handlers = new Map(Object.entries(behavior.handlers) as [string, AnyHandler][]);
    this.policy = policy;
    this.idleSweeps = idleSweeps;
  }
}

/** Rarely used per-actor data, allocated only when an actor first needs one of them. */
export class ActorLinks {
  parent: Actor | null = null;
  children: Actor[] | null = null;
  watching: { kind: Kind; id: string }[] | null = null;
  restarts: number[] | null = null;
  init: unknown = undefined;
}

/**
 * One activation. Kept to a few fields because a million idle ones must fit in a few hundred MB; the mailbox is
 * lent from a pool only while messages are queued. The record doubles as the handler's `ctx`, so handling a
 * message allocates no context object.
 */
export class Actor implements ActorContext<unknown, Message> {
  readonly kind: Kind;
  readonly id: string;
  state: unknown = undefined;
  mailbox: Mailbox | null = null;
  flags: number;
  /** Idle-sweep epoch of the last message handled. */
  epoch: number;
  sender: ActorRef | undefined = undefined;
  private ref: ActorRef | null = null;
  links: ActorLinks | null = null;

  constructor(kind: Kind, id: string, flags: number, epoch: number) {
    this.kind = kind;
    this.id = id;
    this.flags = flags;
    this.epoch = epoch;
  }

  get self(): ActorRef {
    if (this.ref === null) {
      const node = (this.flags & EXPLICIT) !== 0 ? this.kind.runtime.nodeId : undefined;
      this.ref = new ActorRef(this.kind.name, this.id, node, this);
    }
    return this.ref;
  }

  get system(): ActorSystem {
    return this.kind.runtime.system;
  }

  linked(): ActorLinks {
    if (this.links === null) this.links = new ActorLinks();
    return this.links;
  }

  send<R = unknown, T extends Message = Message>(ref: ActorRef<T>, message: T, options?: AskOptions): Promise<R> {
    return this.kind.runtime.ask(ref, message, options, this) as Promise<R>;
  }

  tell<T extends Message>(ref: ActorRef<T>, message: T): void {
    this.kind.runtime.tell(ref, message, this);
  }

  watch(ref: ActorRef): void {
    this.kind.runtime.watch(this, ref);
  }

  unwatch(ref: ActorRef): void {
    this.kind.runtime.unwatch(this, ref);
  }

  stop(): void {
    this.kind.runtime.requestStop(this);
  }

  create<T extends Message = Message>(kind: string, init?: unknown): ActorRef<T> {
    return this.kind.runtime.create(kind, init, this) as ActorRef<T>;
  }
}

import type { Message } from '@packetflow/protocol';
import type { ActorRef } from './actor-ref.js';
import type { ActorSystem } from './system.js';

export interface AskOptions {
  /** Deadline for the reply; defaults to the system's `defaultAskTimeoutMs`. */
  readonly timeoutMs?: number;
}

/** What a handler sees. It stays valid across `await`s inside an async handler. */
export interface ActorContext<S = unknown, M extends Message = Message> {
  readonly self: ActorRef<M>;
  /** Mutable; a handler may also replace it wholesale. */
  state: S;
  /** The actor that sent the current message, or undefined when it came from outside any actor. */
  readonly sender: ActorRef | undefined;
  readonly system: ActorSystem;
  send<R = unknown, T extends Message = Message>(
    ref: ActorRef<T>,
    message: NoInfer<T>,
    options?: AskOptions,
  ): Promise<R>;
  tell<T extends Message>(ref: ActorRef<T>, message: NoInfer<T>): void;
  /** The watcher gets a `Down` message when `ref` stops (not when a virtual actor merely deactivates). */
  watch(ref: ActorRef): void;
  unwatch(ref: ActorRef): void;
  /** Stops this actor once the current handler has finished. */
  stop(): void;
  /** Creates a child whose failures escalate to this actor. */
  create<T extends Message = Message>(kind: string, init?: unknown): ActorRef<T>;
}

export type Handler<S, T extends Message, M extends Message> = (message: T, ctx: ActorContext<S, M>) => unknown;

/**
 * The member of `M` whose `type` is `T`. When `M` is the open `Message` (types not declared), every handler gets
 * `M` itself rather than `never`, which keeps inference from `initial()` working for untyped behaviors.
 */
export type MessageOfType<M extends Message, T> = string extends M['type'] ? M : Extract<M, { readonly type: T }>;

/** One handler per message `type`; each receives the member of the union that carries that type. */
export type Handlers<S, M extends Message> = {
  readonly [T in M['type']]?: Handler<S, MessageOfType<M, T>, M>;
};

export type SupervisionStrategy = 'restart' | 'stop' | 'escalate';

export interface SupervisionPolicy {
  readonly strategy: SupervisionStrategy;
  /** Restarts allowed within `withinMs`; one more failure stops the actor. */
  readonly maxRestarts?: number;
  readonly withinMs?: number;
}

export interface Behavior<S, M extends Message = Message, I = unknown> {
  /** State for a new activation; `init` is what `create()` was given (undefined for virtual actors). */
  readonly initial: (id: string, init?: I) => S;
  readonly handlers: Handlers<S, M>;
  /** Defaults to restart, at most 3 times within 5 s. */
  readonly supervision?: SupervisionPolicy;
  /** Virtual actors without a message for this long are dropped from memory; absent means never. */
  readonly idleTimeoutMs?: number;
  /** Called when an idle virtual actor is deactivated, before its state is dropped. */
  readonly onDeactivate?: (state: S, id: string) => void;
}

/** Identity helper that pins the state and message types, so handlers get typed `msg` and `ctx.state`. */
export function defineBehavior<S, M extends Message = Message, I = unknown>(
  behavior: Behavior<S, M, I>,
): Behavior<S, M, I> {
  return behavior;
}

/** Matches the protocol's `DownReason` enum, so a remote Down decodes to the same values. */
export type DownReason = 'normal' | 'failed' | 'node_down' | 'no_actor';

/** Delivered to watchers through their mailbox; handle it with a `Down` handler. */
export interface Down extends Message {
  readonly type: 'Down';
  readonly actor: ActorRef;
  readonly reason: DownReason;
  readonly detail: string;
  /** The failure that stopped the actor, when it failed; local only. */
  readonly error?: unknown;
}

/** Where the runtime, the cluster and services write their log lines (`createLogger` makes the usual one). */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ActorSystemOptions {
  readonly nodeId?: string;
  /** Deadline for asks that do not give one; 5000 ms unless set. */
  readonly defaultAskTimeoutMs?: number;
  /** Period of the idle sweep shared by all actors; 1000 ms unless set. */
  readonly idleSweepMs?: number;
  readonly logger?: Logger;
  /** A failure escalated by an actor that has no parent; logged as an error unless set. */
  readonly onEscalation?: (error: unknown, actor: ActorRef) => void;
}

export interface ShutdownOptions {
  /** How long to wait for queued messages to drain before stopping what is left; 10 s unless set. */
  readonly drainTimeoutMs?: number;
}

export interface ActorSystemStats {
  /** Messages taken from mailboxes: handled, or dropped there (expired ask, no handler). */
  messages: number;
  /** Tells that could not be delivered: unknown kind or message, stopped actor or system. */
  deadLetters: number;
  /** Replies that arrived after their ask's deadline and were dropped. */
  lateReplies: number;
  /** Asks whose deadline passed while they waited in a mailbox; their handlers were not run. */
  expiredAsks: number;
  askTimeouts: number;
  activations: number;
  deactivations: number;
  restarts: number;
  /** Actors that stopped (not counting idle deactivations). */
  stops: number;
}

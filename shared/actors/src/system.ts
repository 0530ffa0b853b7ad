import type { Message } from '@packetflow/protocol';
import { ActorRef } from './actor-ref.js';
import type { ActorSystemOptions, ActorSystemStats, AskOptions, Behavior, ShutdownOptions } from './behavior.js';
import { Runtime } from './runtime.js';

/**
 * The public face of the runtime: register behaviors, address actors, send to them, shut down. Sends from inside a
 * handler go through `ctx` instead, so the receiver sees who sent them.
 */
const runtimes = new WeakMap<ActorSystem, Runtime>();

/** The engine behind a system, for the package's own cluster and packet code; not exported from the package. */
export function runtimeOf(system: ActorSystem): Runtime {
  return runtimes.get(system)!;
}

export class ActorSystem {
  private readonly runtime: Runtime;

  private constructor(options: ActorSystemOptions) {
    this.runtime = new Runtime(this, options);
    runtimes.set(this, this.runtime);
  }

  static async start(options: ActorSystemOptions = {}): Promise<ActorSystem> {
    return new ActorSystem(options);
  }

  get nodeId(): string {
    return this.runtime.nodeId;
  }

  get stats(): Readonly<ActorSystemStats> {
    return this.runtime.stats;
  }

  /** False once `shutdown()` has begun: nothing from outside is accepted any more. */
  get running(): boolean {
    return this.runtime.running;
  }

  /** Activations currently in memory. */
  get activeActors(): number {
    return this.runtime.activeActors;
  }

  register<S, M extends Message = Message, I = unknown>(kind: string, behavior: Behavior<S, M, I>): void {
    this.runtime.register(kind, behavior as unknown as Behavior<unknown, Message, unknown>);
  }

  /**
   * Whether this node may act now as the one owner of virtual actor `(kind, id)`: it is the owner in this node's
   * view of the cluster and its own membership is current (with Redis, its lease: the last refresh of its record is
   * younger than the TTL less a margin). Cheap enough to call on every tick: a match stops ticking when it is false,
   * since another node may own it by then. Without a cluster: true until shutdown.
   */
  owns(kind: string, id: string): boolean {
    return this.runtime.owns(kind, id);
  }

  /**
   * The node that owns virtual actor `(kind, id)` in this node's view: this node's id without a cluster, undefined
   * when no live member hosts `kind`.
   */
  ownerOf(kind: string, id: string): string | undefined {
    return this.runtime.ownerOf(kind, id);
  }

  /** An explicit actor with a generated id, pinned to this node; it lives until stopped. */
  async create<M extends Message = Message>(kind: string, init?: unknown): Promise<ActorRef<M>> {
    return this.runtime.create(kind, init, undefined) as ActorRef<M>;
  }

  /** A virtual actor's address. Allocates no actor: the actor is activated by its first message. */
  ref<M extends Message = Message>(kind: string, id: string): ActorRef<M> {
    return new ActorRef<M>(kind, id, undefined, null);
  }

  /** Ask: resolves with the handler's return value (awaited if it is a promise). */
  send<R = unknown, M extends Message = Message>(
    ref: ActorRef<M>,
    message: NoInfer<M>,
    options?: AskOptions,
  ): Promise<R> {
    return this.runtime.ask(ref, message, options, undefined) as Promise<R>;
  }

  /** Fire and forget; failures to deliver are counted in `stats.deadLetters`, never thrown. */
  tell<M extends Message = Message>(ref: ActorRef<M>, message: NoInfer<M>): void {
    this.runtime.tell(ref, message, undefined);
  }

  /** Refuses new sends from outside, lets queued messages drain, then stops every actor. */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    return this.runtime.shutdown(options.drainTimeoutMs ?? 10_000);
  }
}

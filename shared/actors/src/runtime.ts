import type { Message } from '@packetflow/protocol';
import { Actor, DEAD, EXPLICIT, Kind, RUNNING, SCHEDULED, STOPPING } from './actor.js';
import type { ActorRef } from './actor-ref.js';
import { type AskOutcome, AskTable } from './asks.js';
import type {
  ActorSystemOptions,
  ActorSystemStats,
  AskOptions,
  Behavior,
  Down,
  DownReason,
  Logger,
} from './behavior.js';
import {
  type ActorError,
  ActorStoppedError,
  describe,
  HandlerError,
  RefusedError,
  SystemStoppedError,
  UnknownKindError,
  UnknownMessageError,
} from './errors.js';
import { IdleSweeper } from './idle-sweeper.js';
import { componentLogger } from './logging/logger.js';
import { Mailbox, RingQueue } from './mailbox.js';
import type { RemoteRouting } from './remote-routing.js';
import { allowRestart, resolvePolicy } from './supervision.js';
import type { ActorSystem } from './system.js';
import { addWatch, dropWatches, removeWatch, takeWatchers } from './watch.js';

/** Messages one actor handles before it goes to the back of the run queue, so busy actors share the loop. */
const TURN = 64;
/** How often (in messages) the drain loop looks at the clock, and how long it may run before yielding. */
const CLOCK_EVERY = 1024;
const SLICE_MS = 4;
/** Reply id marking an internal escalation from a child rather than a message. */
const ESCALATION = -1;
/** Empty mailboxes kept for reuse, enough for a burst of first messages to that many actors. */
const POOL_SIZE = 16_384;

const OPEN = 0;
const DRAINING = 1;
const CLOSED = 2;

/** Where an ask was answered: by an actor on this node, or by another node. */
export type AskScope = 'local' | 'remote';

/** Why an activation ended; the first four are what watchers see. */
type StopCause = DownReason | 'deactivated' | 'shutdown';

class Escalation implements Message {
  readonly type = 'Escalation';
  constructor(
    readonly error: unknown,
    readonly child: ActorRef,
  ) {}
}

/**
 * The engine behind `ActorSystem`: one run queue of actors with pending messages, drained in a single loop that is
 * scheduled once per burst. A tell is a mailbox push plus, when the actor was idle, a run-queue push: no promise and
 * no closure, so a ping-pong between two actors runs entirely inside one drain.
 */
export class Runtime {
  readonly system: ActorSystem;
  readonly nodeId: string;
  readonly stats: ActorSystemStats = {
    messages: 0,
    deadLetters: 0,
    lateReplies: 0,
    expiredAsks: 0,
    askTimeouts: 0,
    activations: 0,
    deactivations: 0,
    restarts: 0,
    stops: 0,
  };
  private readonly kinds = new Map<string, Kind>();
  private readonly asks = new AskTable(
    () => this.stats.askTimeouts++,
    (seconds) => this.askSettled('local', seconds),
  );
  private askObserver: ((scope: AskScope, seconds: number) => void) | null = null;
  private readonly runQueue = new RingQueue<Actor>(1024);
  private readonly mailboxPool: Mailbox[] = [];
  private readonly sweeper: IdleSweeper;
  private readonly defaultAskTimeoutMs: number;
  private readonly logger: Logger;
  private readonly onEscalation: ((error: unknown, actor: ActorRef) => void) | undefined;
  private readonly drainNow = () => this.drain();
  private drainScheduled = false;
  private phase = OPEN;
  private epoch = 0;
  private inFlight = 0;
  private nextChildId = 0;
  /** The actor whose synchronous handler is running, so `ctx.stop()` knows to wait for it. */
  private current: Actor | null = null;
  private drainWaiter: (() => void) | null = null;
  private closed: Promise<void> | null = null;
  /** Set when this system is a cluster member; then refs route by ownership before they resolve locally. */
  private remote: RemoteRouting | null = null;

  constructor(system: ActorSystem, options: ActorSystemOptions) {
    this.system = system;
    this.nodeId = options.nodeId ?? `node-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.defaultAskTimeoutMs = options.defaultAskTimeoutMs ?? 5000;
    this.logger = options.logger ?? componentLogger('actors');
    this.onEscalation = options.onEscalation;
    this.sweeper = new IdleSweeper(options.idleSweepMs ?? 1000, (epoch) => this.sweep(epoch));
  }

  get running(): boolean {
    return this.phase === OPEN;
  }

  get activeActors(): number {
    let count = 0;
    for (const kind of this.kinds.values()) count += kind.actors.size;
    return count;
  }

  /**
   * Messages waiting in mailboxes, per kind: in all and in the deepest one. It walks every activation, so it is for
   * scrapes; the message path keeps no count for it.
   */
  mailboxDepthsByKind(): { kind: string; queued: number; deepest: number }[] {
    return [...this.kinds.values()].map((kind) => {
      let queued = 0;
      let deepest = 0;
      for (const actor of kind.actors.values()) {
        const depth = actor.mailbox?.count ?? 0;
        queued += depth;
        if (depth > deepest) deepest = depth;
      }
      return { kind: kind.name, queued, deepest };
    });
  }

  /**
   * Hands `observer` how long each ask waited, once it ends however it ends: `local` for asks answered by this
   * node's actors (asks that came from other nodes included), `remote` for asks this node sent to another node.
   * One observer at a time; the metrics set it.
   */
  observeAsks(observer: (scope: AskScope, seconds: number) => void): void {
    this.askObserver = observer;
  }

  askSettled(scope: AskScope, seconds: number): void {
    this.askObserver?.(scope, seconds);
  }

  attachRemote(remote: RemoteRouting): void {
    if (this.remote !== null) throw new Error('this actor system already belongs to a cluster');
    this.remote = remote;
  }

  owns(kind: string, id: string): boolean {
    return this.remote === null ? this.phase === OPEN : this.remote.owns(kind, id);
  }

  ownerOf(kind: string, id: string): string | undefined {
    return this.remote === null ? this.nodeId : this.remote.ownerOf(kind, id);
  }

  /** Live activations of each registered kind. */
  activeActorsByKind(): [kind: string, active: number][] {
    return [...this.kinds.values()].map((kind) => [kind.name, kind.actors.size]);
  }

  /** Kinds with a registered behavior: the roles this node can host. */
  get kindNames(): string[] {
    return [...this.kinds.keys()];
  }

  /**
   * The node a send to `ref` must go to, or undefined when it is handled here. Pinned refs go to their node;
   * virtual ones to their owner, falling back to this node when no live member hosts the kind (so the local
   * UnknownKindError or activation decides).
   */
  private remoteNodeFor(ref: ActorRef): string | undefined {
    const node = ref.node ?? this.remote!.ownerOf(ref.kind, ref.id);
    return node === this.nodeId ? undefined : node;
  }

  register(name: string, behavior: Behavior<unknown, Message, unknown>): void {
    if (this.kinds.has(name)) throw new Error(`actor kind "${name}" is already registered`);
    const idleSweeps = behavior.idleTimeoutMs === undefined ? 0 : this.sweeper.sweepsFor(behavior.idleTimeoutMs);
    this.kinds.set(name, new Kind(this, name, behavior, resolvePolicy(behavior.supervision), idleSweeps));
    if (idleSweeps > 0 && this.phase !== CLOSED) this.sweeper.start();
  }

  create(kindName: string, init: unknown, parent: Actor | undefined): ActorRef {
    if (this.refuses(parent)) throw new SystemStoppedError();
    const kind = this.kinds.get(kindName);
    if (kind === undefined) throw new UnknownKindError(kindName);
    const id = `${this.nodeId}:${(++this.nextChildId).toString(36)}`;
    const actor = new Actor(kind, id, EXPLICIT, this.epoch);
    actor.state = kind.behavior.initial(id, init);
    if (init !== undefined) actor.linked().init = init;
    if (parent !== undefined) {
      actor.linked().parent = parent;
      const links = parent.linked();
      if (links.children === null) links.children = [];
      links.children.push(actor);
    }
    kind.actors.set(id, actor);
    this.stats.activations++;
    return actor.self;
  }

  tell(ref: ActorRef, message: Message, from: Actor | undefined): void {
    if (this.phase !== OPEN && this.refuses(from)) {
      this.deadLetter(ref, message, 'system stopped');
      return;
    }
    if (this.remote !== null) {
      const node = this.remoteNodeFor(ref);
      if (node !== undefined) {
        this.remote.tell(node, ref, message, from?.self);
        return;
      }
    }
    this.tellLocal(ref, message, from === undefined ? undefined : from.self);
  }

  /** Delivers to the activation on this node, whoever owns the ref: packets from other nodes arrive here. */
  tellLocal(ref: ActorRef, message: Message, sender: ActorRef | undefined): void {
    if (this.phase === CLOSED) {
      this.deadLetter(ref, message, 'system stopped');
      return;
    }
    let actor = ref.target;
    if (actor === null || (actor.flags & DEAD) !== 0 || actor.kind.runtime !== this) {
      const found = this.resolve(ref);
      if (!(found instanceof Actor)) {
        this.deadLetter(ref, message, found.message);
        return;
      }
      actor = found;
    }
    this.enqueue(actor, message, sender, 0);
  }

  ask(ref: ActorRef, message: Message, options: AskOptions | undefined, from: Actor | undefined): Promise<unknown> {
    if (this.phase !== OPEN && this.refuses(from)) return Promise.reject(new SystemStoppedError());
    const timeoutMs = options?.timeoutMs ?? this.defaultAskTimeoutMs;
    if (this.remote !== null) {
      const node = this.remoteNodeFor(ref);
      if (node !== undefined) return this.remote.ask(node, ref, message, from?.self, timeoutMs);
    }
    return this.askLocal(ref, message, from === undefined ? undefined : from.self, timeoutMs);
  }

  askLocal(ref: ActorRef, message: Message, sender: ActorRef | undefined, timeoutMs: number): Promise<unknown> {
    const actor = this.askTarget(ref);
    if (!(actor instanceof Actor)) return Promise.reject(actor);
    const id = this.asks.nextCorrelationId();
    const reply = this.asks.open(id, ref, message.type, timeoutMs);
    this.enqueue(actor, message, sender, id);
    return reply;
  }

  /**
   * As `askLocal`, but the reply or error is handed to `outcome` with `context` as soon as there is one, even at
   * once: asks from other nodes are answered this way, without a promise and a microtask each.
   */
  askLocalWith<C>(
    ref: ActorRef,
    message: Message,
    sender: ActorRef | undefined,
    timeoutMs: number,
    outcome: AskOutcome<C>,
    context: C,
  ): void {
    const actor = this.askTarget(ref);
    if (!(actor instanceof Actor)) {
      outcome.reject(actor, context);
      return;
    }
    const id = this.asks.nextCorrelationId();
    this.asks.openWith(id, outcome, context, ref, message.type, timeoutMs);
    this.enqueue(actor, message, sender, id);
  }

  private askTarget(ref: ActorRef): Actor | ActorError {
    if (this.phase === CLOSED) return new SystemStoppedError();
    const actor = ref.target;
    if (actor === null || (actor.flags & DEAD) !== 0 || actor.kind.runtime !== this) return this.resolve(ref);
    return actor;
  }

  watch(watcher: Actor, ref: ActorRef): void {
    if (this.remote !== null) {
      const node = this.remoteNodeFor(ref);
      if (node !== undefined) {
        this.remote.watchRemote(watcher, node, ref);
        return;
      }
    }
    const kind = this.kinds.get(ref.kind);
    const target = kind?.actors.get(ref.id);
    if (kind === undefined || (target === undefined && ref.node !== undefined)) {
      // As OTP's noproc: watching what is already gone reports it at once.
      this.enqueue(
        watcher,
        { type: 'Down', actor: ref, reason: 'no_actor', detail: 'no such actor' } as Down,
        undefined,
        0,
      );
      return;
    }
    addWatch(watcher, kind, ref.id);
  }

  unwatch(watcher: Actor, ref: ActorRef): void {
    const kind = this.kinds.get(ref.kind);
    if (kind !== undefined) removeWatch(watcher, kind, ref.id);
  }

  /** Delivers a Down that the cluster raised (a watched actor's node left) through the watcher's mailbox. */
  deliverDown(watcher: Actor, down: Down): void {
    if ((watcher.flags & DEAD) === 0) this.enqueue(watcher, down, undefined, 0);
  }

  /**
   * Drops in-memory virtual activations this node no longer owns after a membership change, so the next message
   * activates them on their new owner instead of two copies living on.
   */
  deactivateWhere(moved: (kind: string, id: string) => boolean): number {
    let count = 0;
    for (const kind of this.kinds.values()) {
      for (const actor of kind.actors.values()) {
        if ((actor.flags & (EXPLICIT | SCHEDULED | RUNNING)) === 0 && moved(kind.name, actor.id)) {
          this.deactivate(actor);
          count++;
        }
      }
    }
    return count;
  }

  requestStop(actor: Actor): void {
    if ((actor.flags & DEAD) !== 0) return;
    if (actor === this.current || (actor.flags & RUNNING) !== 0) actor.flags |= STOPPING;
    else this.stop(actor, 'normal', undefined);
  }

  shutdown(drainTimeoutMs: number): Promise<void> {
    if (this.closed !== null) return this.closed;
    this.phase = DRAINING;
    this.closed = this.drained(drainTimeoutMs).then(() => {
      this.phase = CLOSED;
      this.sweeper.stop();
      for (const kind of this.kinds.values()) {
        for (const actor of kind.actors.values()) this.stop(actor, 'shutdown', undefined);
      }
      this.asks.rejectAll(new SystemStoppedError());
    });
    return this.closed;
  }

  /** During shutdown only actors may still send (to finish what is queued); after it, nobody. */
  private refuses(from: Actor | undefined): boolean {
    return this.phase === CLOSED || (this.phase === DRAINING && from === undefined);
  }

  private resolve(ref: ActorRef): Actor | ActorError {
    const kind = this.kinds.get(ref.kind);
    if (kind === undefined) return new UnknownKindError(ref.kind, this.remote !== null);
    let actor = kind.actors.get(ref.id);
    if (actor === undefined) {
      if (ref.node !== undefined) return new ActorStoppedError(ref);
      actor = new Actor(kind, ref.id, 0, this.epoch);
      try {
        actor.state = kind.behavior.initial(ref.id, undefined);
      } catch (error) {
        return new HandlerError(ref, 'initial', error);
      }
      kind.actors.set(ref.id, actor);
      this.stats.activations++;
    }
    ref.target = actor;
    return actor;
  }

  private enqueue(actor: Actor, message: Message, sender: ActorRef | undefined, replyId: number): void {
    let mailbox = actor.mailbox;
    if (mailbox === null) {
      mailbox = this.mailboxPool.pop() ?? new Mailbox();
      actor.mailbox = mailbox;
    }
    mailbox.push(message, sender, replyId);
    if ((actor.flags & (SCHEDULED | RUNNING)) === 0) this.schedule(actor);
  }

  private schedule(actor: Actor): void {
    actor.flags |= SCHEDULED;
    this.runQueue.push(actor);
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      queueMicrotask(this.drainNow);
    }
  }

  private drain(): void {
    const queue = this.runQueue;
    const started = performance.now();
    let sinceClock = 0;
    while (queue.size > 0) {
      sinceClock += this.runTurn(queue.shift());
      if (sinceClock >= CLOCK_EVERY) {
        sinceClock = 0;
        if (performance.now() - started >= SLICE_MS) {
          // setImmediate, not a microtask, so timers and I/O get their turn; drainScheduled stays set meanwhile.
          setImmediate(this.drainNow);
          return;
        }
      }
    }
    this.drainScheduled = false;
    queue.shrinkIfEmpty();
    this.checkDrained();
  }

  /** Runs up to TURN messages of one actor; returns how many it handled. */
  private runTurn(actor: Actor): number {
    if ((actor.flags & DEAD) !== 0) return 0;
    const mailbox = actor.mailbox as Mailbox;
    actor.epoch = this.epoch;
    let handled = 0;
    while (handled < TURN && mailbox.count > 0) {
      const message = mailbox.shift();
      handled++;
      this.deliver(actor, message, mailbox.sender, mailbox.replyId);
      if ((actor.flags & (RUNNING | DEAD)) !== 0) break;
    }
    // Once per turn rather than per message: the drain loop is the hottest path there is.
    this.stats.messages += handled;
    const flags = actor.flags;
    if ((flags & DEAD) !== 0) return handled;
    if (mailbox.count === 0) {
      actor.flags = flags & ~SCHEDULED;
      this.releaseMailbox(actor, mailbox);
    } else if ((flags & RUNNING) !== 0) {
      actor.flags = flags & ~SCHEDULED;
    } else {
      this.runQueue.push(actor);
    }
    return handled;
  }

  private deliver(actor: Actor, message: Message, sender: ActorRef | undefined, replyId: number): void {
    if (replyId === ESCALATION) {
      this.fail(actor, (message as Escalation).error);
      return;
    }
    if (replyId > 0 && !this.asks.isWaiting(replyId)) {
      // The asker has given up: running the handler now would do work nobody waits for.
      this.stats.expiredAsks++;
      return;
    }
    const handler = actor.kind.handlers.get(message.type);
    if (handler === undefined) {
      if (replyId !== 0) this.asks.reject(replyId, new UnknownMessageError(actor.self, message.type));
      else this.deadLetter(actor.self, message, 'no handler');
      return;
    }
    actor.sender = sender;
    this.current = actor;
    let result: unknown;
    try {
      result = handler(message, actor);
    } catch (error) {
      this.current = null;
      actor.sender = undefined;
      this.handlerFailed(actor, message, replyId, error);
      return;
    }
    this.current = null;
    if (typeof result === 'object' && result !== null && typeof (result as PromiseLike<unknown>).then === 'function') {
      this.awaitHandler(actor, message, replyId, result as PromiseLike<unknown>);
      return;
    }
    actor.sender = undefined;
    if (replyId !== 0) this.reply(replyId, result);
    if ((actor.flags & STOPPING) !== 0) this.stop(actor, 'normal', undefined);
  }

  private awaitHandler(actor: Actor, message: Message, replyId: number, pending: PromiseLike<unknown>): void {
    actor.flags |= RUNNING;
    this.inFlight++;
    pending.then(
      (value) => this.settle(actor, message, replyId, false, value),
      (error) => this.settle(actor, message, replyId, true, error),
    );
  }

  private settle(actor: Actor, message: Message, replyId: number, failed: boolean, value: unknown): void {
    actor.flags &= ~RUNNING;
    actor.sender = undefined;
    this.inFlight--;
    if (failed) {
      this.handlerFailed(actor, message, replyId, value);
    } else {
      if (replyId !== 0) this.reply(replyId, value);
      if ((actor.flags & STOPPING) !== 0) this.stop(actor, 'normal', undefined);
    }
    const mailbox = actor.mailbox;
    if ((actor.flags & DEAD) === 0 && mailbox !== null) {
      actor.epoch = this.epoch;
      if (mailbox.count > 0) this.schedule(actor);
      else this.releaseMailbox(actor, mailbox);
    }
    this.checkDrained();
  }

  private reply(replyId: number, value: unknown): void {
    if (!this.asks.resolve(replyId, value) && this.phase !== CLOSED) this.stats.lateReplies++;
  }

  private handlerFailed(actor: Actor, message: Message, replyId: number, error: unknown): void {
    if (error instanceof RefusedError) {
      if (replyId !== 0) this.asks.reject(replyId, error);
      else
        this.logger.warn('message refused', { actor: actor.self.toString(), type: message.type, error: error.message });
      if ((actor.flags & (STOPPING | DEAD)) === STOPPING) this.stop(actor, 'normal', undefined);
      return;
    }
    if (replyId !== 0) this.asks.reject(replyId, new HandlerError(actor.self, message.type, error));
    else this.logger.warn('handler failed', { actor: actor.self.toString(), type: message.type, error });
    if ((actor.flags & DEAD) !== 0) return;
    this.fail(actor, error);
    if ((actor.flags & (STOPPING | DEAD)) === STOPPING) this.stop(actor, 'normal', undefined);
  }

  /** Applies the actor's supervision policy to a failure of its own or one escalated by a child. */
  private fail(actor: Actor, error: unknown): void {
    const policy = actor.kind.policy;
    if (policy.strategy === 'restart') {
      const links = actor.linked();
      if (links.restarts === null) links.restarts = [];
      if (allowRestart(links.restarts, policy, performance.now())) {
        try {
          actor.state = actor.kind.behavior.initial(actor.id, links.init);
          this.stats.restarts++;
          return;
        } catch (initError) {
          this.stop(actor, 'failed', initError);
          return;
        }
      }
      this.logger.warn('restart budget exceeded; stopping', { actor: actor.self.toString(), error });
    }
    this.stop(actor, 'failed', error);
    if (policy.strategy === 'escalate') this.escalate(actor, error);
  }

  private escalate(child: Actor, error: unknown): void {
    const parent = child.links?.parent;
    if (parent && (parent.flags & DEAD) === 0) {
      this.enqueue(parent, new Escalation(error, child.self), undefined, ESCALATION);
      return;
    }
    if (this.onEscalation === undefined) {
      this.logger.error('failure escalated by an actor without a parent', { actor: child.self.toString(), error });
      return;
    }
    try {
      this.onEscalation(error, child.self);
    } catch (hookError) {
      this.logger.error('onEscalation threw', { error: hookError });
    }
  }

  private stop(actor: Actor, cause: StopCause, error: unknown): void {
    if ((actor.flags & DEAD) !== 0) return;
    actor.flags = (actor.flags | DEAD) & ~STOPPING;
    const kind = actor.kind;
    if (kind.actors.get(actor.id) === actor) kind.actors.delete(actor.id);
    if (cause !== 'deactivated') this.stats.stops++;
    actor.sender = undefined;
    const mailbox = actor.mailbox;
    if (mailbox !== null) {
      actor.mailbox = null;
      while (mailbox.count > 0) {
        const message = mailbox.shift();
        const replyId = mailbox.replyId;
        if (replyId > 0) this.asks.reject(replyId, new ActorStoppedError(actor.self));
        else this.deadLetter(actor.self, message, 'actor stopped');
      }
      mailbox.shrink();
    }
    const links = actor.links;
    if (links !== null) {
      dropWatches(actor);
      if (links.children !== null) {
        const childCause = cause === 'shutdown' ? 'shutdown' : 'normal';
        for (const child of links.children.splice(0)) this.stop(child, childCause, undefined);
      }
      const siblings = links.parent?.links?.children;
      if (siblings) {
        const at = siblings.indexOf(actor);
        if (at >= 0) siblings.splice(at, 1);
      }
    }
    if (cause !== 'deactivated' && cause !== 'shutdown') this.notifyWatchers(actor, cause, error);
  }

  private notifyWatchers(actor: Actor, reason: DownReason, error: unknown): void {
    this.remote?.actorStopped(actor.kind.name, actor.id, reason, error === undefined ? '' : describe(error));
    const watchers = takeWatchers(actor.kind, actor.id);
    if (watchers === undefined) return;
    const down: Down = {
      type: 'Down',
      actor: actor.self,
      reason,
      detail: error === undefined ? '' : describe(error),
      error,
    };
    for (const watcher of watchers) if ((watcher.flags & DEAD) === 0) this.enqueue(watcher, down, undefined, 0);
  }

  private deadLetter(ref: ActorRef, message: Message, why: string): void {
    this.stats.deadLetters++;
    this.logger.warn(`dead letter: ${why}`, { actor: ref.toString(), type: message.type });
  }

  private releaseMailbox(actor: Actor, mailbox: Mailbox): void {
    actor.mailbox = null;
    mailbox.shrink();
    if (this.mailboxPool.length < POOL_SIZE) this.mailboxPool.push(mailbox);
  }

  private sweep(epoch: number): void {
    this.epoch = epoch;
    for (const kind of this.kinds.values()) {
      if (kind.idleSweeps === 0 || epoch < kind.nextScan) continue;
      // Scanning a kind twice per idle timeout bounds the overshoot to half a timeout at a fraction of the work.
      kind.nextScan = epoch + Math.max(1, kind.idleSweeps >> 1);
      const lastActiveBy = epoch - kind.idleSweeps - 1;
      for (const actor of kind.actors.values()) {
        if (actor.epoch <= lastActiveBy && (actor.flags & (EXPLICIT | SCHEDULED | RUNNING)) === 0) {
          this.deactivate(actor);
        }
      }
    }
  }

  private deactivate(actor: Actor): void {
    const hook = actor.kind.behavior.onDeactivate;
    if (hook !== undefined) {
      try {
        hook(actor.state, actor.id);
      } catch (error) {
        this.logger.error('onDeactivate threw', { actor: actor.self.toString(), error });
      }
    }
    this.stats.deactivations++;
    this.stop(actor, 'deactivated', undefined);
  }

  private drained(timeoutMs: number): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.drainWaiter = null;
        resolve();
      }, timeoutMs);
      this.drainWaiter = () => {
        clearTimeout(timer);
        this.drainWaiter = null;
        resolve();
      };
    });
  }

  private isIdle(): boolean {
    return this.runQueue.size === 0 && this.inFlight === 0;
  }

  private checkDrained(): void {
    if (this.drainWaiter !== null && this.isIdle()) this.drainWaiter();
  }
}

import { createServer, type Server } from 'node:net';
import {
  BatchCodec,
  createProtocolRegistry,
  defaultLimits,
  ErrorCode,
  type Message,
  type MessageRegistry,
  type Packet,
  PacketFlags,
  RendezvousRouter,
  System,
  Wire,
} from '@packetflow/protocol';
import type { Actor } from '../actor.js';
import { ActorRef } from '../actor-ref.js';
import type { Down, DownReason, Logger } from '../behavior.js';
import { NOT_OWNER_PREFIX, PeerDownError, PeerOverloadedError } from '../errors.js';
import { componentLogger } from '../logging/logger.js';
import type { MemberInfo } from '../membership/membership.js';
import { PacketEndpoint } from '../packets/packet-endpoint.js';
import { wireText } from '../packets/wire-errors.js';
import type { RemoteRouting } from '../remote-routing.js';
import type { Runtime } from '../runtime.js';
import { type ActorSystem, runtimeOf } from '../system.js';
import { InboundLink } from '../transport/inbound-link.js';
import { OutboundLink } from '../transport/outbound-link.js';
import type { TransportContext } from '../transport/transport-context.js';
import { AskRelay } from './ask-relay.js';
import type { ClusterOptions, ClusterStats, MembersByState, PeerStats } from './cluster-options.js';
import { dispositionOf, type OwnershipView } from './foreign-packets.js';
import { Silence } from './silence.js';

const LEFT = 'left the cluster';
/** The message that asks another node to report an actor's stop (empty body). */
const WATCH = 'Watch';
/** What a node leaving gracefully tells each peer before it closes its links (empty body), so none takes it for a crash. */
const LEAVE = 'Leave';
/** Measures the round trip to a peer; answered by the peer's node itself, never by an actor (PROTOCOL.md §7). */
const HEARTBEAT = 'Heartbeat';
const HEARTBEAT_ADDRESS = { kind: '$system', id: 'heartbeat' };
/** Unanswered heartbeats remembered per peer: an answer older than these would measure a stale moment. */
const MAX_PENDING_HEARTBEATS = 4;
/** The protocol's DownReason values, in enum order. */
const DOWN_REASONS: readonly DownReason[] = ['normal', 'failed', 'node_down', 'no_actor'];
/**
 * Failed dials of a link before it is reported: members that start together take a moment to listen, and a gateway
 * starts after the services it calls. With the backoff below, the eighth dial comes some 8 s after the first.
 */
const REPORT_AFTER_ATTEMPTS = 7;
/** How long asks to a member that left gracefully may wait for the replies its drain sends. */
const LEAVE_DRAIN_BOUND_MS = 15_000;

interface PeerState {
  info: MemberInfo;
  link: OutboundLink;
  attempts: number;
  retry: NodeJS.Timeout | null;
  /** The last handshake refusal logged for this peer, so that a peer refused again for the same reason is quiet. */
  refusal: string | undefined;
  /** Heartbeat answers on this link are its peer's signs of life. */
  readonly silence: Silence;
}

/** Kept per peer id across its links, so that counters only grow and no heartbeat sequence is reused. */
interface PeerMeter extends PeerStats {
  lastSequence: number;
  /** performance.now() when each unanswered heartbeat was sent, by sequence, oldest first. */
  readonly pending: Map<number, number>;
}

/**
 * Makes an actor system one member of a cluster: it listens for peers, dials every other member, and routes each
 * send to the live member that owns its target by rendezvous hashing over the members hosting the target's kind.
 * A member whose connection drops, or that leaves heartbeats unanswered, is suspected at once (taken out of routing,
 * its pending asks failed, its watchers sent Down) and re-admitted when a reconnect succeeds; membership (static or
 * Redis) says who is registered at all. Packets from peers for actors another member owns are passed on or refused,
 * never served here (PROTOCOL.md §6).
 */
export class Cluster implements RemoteRouting {
  readonly nodeId: string;
  readonly stats: ClusterStats = {
    undeliverable: 0,
    rerouted: 0,
    forwarded: 0,
    notOwned: 0,
    unencodable: 0,
    suspicions: 0,
    reconnects: 0,
    linksUp: 0,
    linksDown: 0,
  };
  readonly endpoint: PacketEndpoint;
  readonly registry: MessageRegistry;
  private readonly runtime: Runtime;
  private readonly router = new RendezvousRouter<MemberInfo>();
  private readonly peers = new Map<string, PeerState>();
  private readonly inbound = new Set<InboundLink>();
  private readonly nodeWatches = new Map<string, { watcher: Actor; target: ActorRef }[]>();
  /** Watchers on other nodes of this node's actors, by `kind/id`. */
  private readonly remoteWatchers = new Map<string, { watcher: Packet['target']; node: string; pinned: boolean }[]>();
  private readonly ctx: TransportContext;
  private readonly logger: Logger;
  private readonly reconnectBaseMs: number;
  private readonly reconnectMaxMs: number;
  private readonly heartbeatMs: number;
  private readonly heartbeatMisses: number;
  private self!: MemberInfo;
  private registered: readonly MemberInfo[] = [];
  /** Members that left gracefully: their pending asks wait for the replies their drain sends, then fail. */
  private readonly leaving = new Map<string, NodeJS.Timeout>();
  /** Members that said they are leaving: their links closing is news, not a failure, until they link again. */
  private readonly departed = new Set<string>();
  private readonly meters = new Map<string, PeerMeter>();
  private heartbeats: NodeJS.Timeout | undefined;
  private stopping = false;
  private unsubscribe: () => void = () => {};
  private readonly leaseListeners = new Set<(held: boolean) => void>();
  /** What the lease's listeners were last told; nothing is told before the first renewal. */
  private leaseAnnounced = false;
  private deregistered = false;
  private readonly ownership: OwnershipView;
  private readonly relay = new AskRelay();

  private constructor(
    system: ActorSystem,
    private readonly server: Server,
    private readonly options: ClusterOptions,
  ) {
    this.runtime = runtimeOf(system);
    this.nodeId = system.nodeId;
    this.ownership = {
      nodeId: this.nodeId,
      ownerOf: (kind, id) => this.ownerOf(kind, id),
      linkOpen: (node) => this.peers.get(node)?.link.state === 'open',
    };
    this.logger = options.logger ?? componentLogger('cluster');
    this.registry = options.registry ?? createProtocolRegistry();
    if (!this.registry.has(WATCH)) this.registry.registerEmpty(WATCH);
    if (!this.registry.has(LEAVE)) this.registry.registerEmpty(LEAVE);
    const limits = { ...defaultLimits, ...options.limits };
    this.ctx = {
      self: { nodeId: this.nodeId, roles: options.roles ?? this.runtime.kindNames },
      secret: typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret,
      registry: this.registry,
      codec: new BatchCodec(limits),
      logger: this.logger,
      maxQueuedPackets: options.maxQueuedPackets ?? 262_144,
      highWaterBytes: options.highWaterBytes ?? 8 * 1024 * 1024,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 5000,
      maxFrameBytes: limits.maxFrameBytes,
      refusalOf: (peerId) => this.refusalOf(peerId),
      trafficOf: (peerId) => this.meterOf(peerId),
    };
    this.reconnectBaseMs = options.reconnect?.baseMs ?? 100;
    this.reconnectMaxMs = options.reconnect?.maxMs ?? 5000;
    this.heartbeatMs = options.heartbeatMs ?? 400;
    this.heartbeatMisses = options.heartbeatMisses ?? 3;
    this.endpoint = new PacketEndpoint(system, {
      registry: this.registry,
      send: (packet, node) => this.send(packet, node),
      logger: this.logger,
      maxBodyBytes: limits.maxBodyBytes,
    });
  }

  /** Listens, registers with the membership, dials the other members, and starts routing the system's sends. */
  static async join(system: ActorSystem, options: ClusterOptions): Promise<Cluster> {
    if (options.secret.length === 0) throw new Error('the cluster secret must not be empty');
    if (options.heartbeatMs !== undefined && !(options.heartbeatMs > 0)) {
      throw new Error(`heartbeatMs must be positive, got ${options.heartbeatMs}`);
    }
    if (
      options.heartbeatMisses !== undefined &&
      !(Number.isInteger(options.heartbeatMisses) && options.heartbeatMisses > 0)
    ) {
      throw new Error(`heartbeatMisses must be a positive whole number, got ${options.heartbeatMisses}`);
    }
    const server = createServer();
    const cluster = new Cluster(system, server, options);
    server.on('connection', (socket) => {
      if (cluster.stopping) {
        socket.destroy();
        return;
      }
      const link = new InboundLink(
        socket,
        cluster.ctx,
        (packets, from) => {
          for (const packet of packets) cluster.receive(packet, from);
        },
        (closed) => {
          cluster.inbound.delete(closed);
          if (closed.peerId !== undefined) cluster.leftFinally(closed.peerId);
        },
        (peerId) => cluster.peerProvedAlive(peerId),
      );
      cluster.inbound.add(link);
    });
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const bound = server.address();
    const port = typeof bound === 'object' && bound ? bound.port : options.port;
    cluster.self = {
      id: cluster.nodeId,
      roles: [...cluster.ctx.self.roles],
      address: options.advertise ?? `${host.includes(':') ? `[${host}]` : host}:${port}`,
      startedAt: Date.now(),
    };
    const unsubscribeView = options.membership.onChange((members) => cluster.updateView(members));
    const unsubscribeLease = options.membership.lease?.onChange(() => cluster.announceLease()) ?? (() => {});
    cluster.unsubscribe = () => {
      unsubscribeView();
      unsubscribeLease();
    };
    // Linked to the members already there before registering: by the time one routes an actor here (a match this
    // node wins back), this node's own links to the others (the physics its match steps on, the gateway its
    // snapshots go to) are open, rather than dialed as the first packets need them.
    await options.membership.start(cluster.self, async (others) => {
      cluster.updateView([...others, cluster.self]);
      await cluster.linksSettled(Math.min(cluster.ctx.handshakeTimeoutMs, 2000));
    });
    cluster.runtime.attachRemote(cluster);
    cluster.updateView(options.membership.members());
    cluster.heartbeats = setInterval(() => cluster.sendHeartbeats(), cluster.heartbeatMs);
    cluster.heartbeats.unref();
    await cluster.linksSettled(cluster.ctx.handshakeTimeoutMs);
    await cluster.linkedBack(Math.min(cluster.ctx.handshakeTimeoutMs, 2000));
    return cluster;
  }

  /**
   * Waits (bounded) until every member this node has an open link to has linked back, which it does once it has
   * seen this node's registration: until then a member would have nowhere to send its replies to this node's first
   * asks, which this node, linked before it registered, can send the moment it has joined.
   */
  private async linkedBack(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const waiting = () =>
      [...this.peers.values()].some(
        (peer) => peer.link.state === 'open' && ![...this.inbound].some((link) => link.peerId === peer.info.id),
      );
    while (waiting() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
  }

  /** Waits until every link being dialed is open or down, so routing starts from the full view. */
  private async linksSettled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ([...this.peers.values()].some((p) => p.link.state === 'connecting') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /** host:port this node listens on, as registered with the membership. */
  get address(): string {
    return this.self.address;
  }

  /** Members that routing uses now: registered and not suspected, this node included. */
  liveMembers(): MemberInfo[] {
    return this.router.memberList;
  }

  /**
   * Whether `id` is a registered member, whether or not this node's link to it is open: a member cut off from this
   * node (or whose link is still coming back after a partition heals) is still one, and still holds what it owns.
   */
  isRegistered(id: string): boolean {
    return this.registered.some((member) => member.id === id);
  }

  /**
   * Packets queued for `node` and not yet written to its socket: a producer that sends faster than the peer reads
   * can wait while this is high instead of having its sends refused.
   */
  queuedFor(node: string): number {
    return this.peers.get(node)?.link.queued ?? 0;
  }

  /** Registered members by whether routing can use them, plus those draining after a graceful leave. */
  membersByState(): MembersByState {
    const counts = { live: 1, suspected: 0, leaving: 0 };
    for (const member of this.registered) {
      if (member.id === this.nodeId) continue;
      if (this.departed.has(member.id)) counts.leaving++;
      else if (this.peers.get(member.id)?.link.state === 'open') counts.live++;
      else counts.suspected++;
    }
    // Deregistered (Redis) but still answering what it holds.
    for (const id of this.leaving.keys()) {
      if (this.departed.has(id) && !this.registered.some((m) => m.id === id)) counts.leaving++;
    }
    return counts;
  }

  /** Traffic and round trip per peer this node has linked with, by node id. */
  peerStats(): ReadonlyMap<string, Readonly<PeerStats>> {
    return this.meters;
  }

  ownerOf(kind: string, id: string): string | undefined {
    return this.router.owner(kind, id)?.id;
  }

  /**
   * True only while this node is the owner of `(kind, id)` in its own view and its membership is current (see
   * `leaseHeld`): what a node checks before acting as the one owner, e.g. on every tick of a match.
   */
  owns(kind: string, id: string): boolean {
    return !this.stopping && this.leaseHeld() && this.ownerOf(kind, id) === this.nodeId;
  }

  /**
   * Whether the others still count this node as a member, so that none can have moved its actors: with static
   * membership, always (until it leaves); with Redis membership, while its last successful refresh is younger than
   * the TTL less a margin, or else while every member in its view still answers its heartbeats. Redis being down
   * for everyone then stops no match: nobody can drop anybody from Redis, and a member that dropped this node
   * (it still reaches Redis, this node does not) stops answering it within a detection window, which ends the lease.
   * A node cut off from everything loses both within the TTL.
   */
  leaseHeld(): boolean {
    const lease = this.options.membership.lease;
    if (lease === undefined) return !this.stopping;
    return !this.stopping && !this.deregistered && (lease.held || this.heardByEveryMember());
  }

  /**
   * Every registered member answered a heartbeat within the detection window (vacuously true for a cluster of one).
   * By the clock, not by counted intervals: after this process was stopped (SIGSTOP, a VM paused), old answers
   * vouch for nothing, whatever its links still look like.
   */
  private heardByEveryMember(): boolean {
    const since = performance.now() - this.heartbeatMs * this.heartbeatMisses;
    return this.registered.every((m) => {
      if (m.id === this.nodeId) return true;
      const peer = this.peers.get(m.id);
      return peer?.link.state === 'open' && peer.silence.lastHeardAt >= since;
    });
  }

  /**
   * Called with false when the lease lapses (or the node leaves) and true when it holds again. Static membership
   * has no lease to lose: the listener is never called. Returns an unsubscribe function.
   */
  onLeaseChange(listener: (held: boolean) => void): () => void {
    if (this.options.membership.lease === undefined) return () => {};
    const entry = (held: boolean) => listener(held);
    this.leaseListeners.add(entry);
    return () => {
      this.leaseListeners.delete(entry);
    };
  }

  /** Tells the lease's listeners when it changed: on a renewal or a lapse, and when a link or the view changes. */
  private announceLease(): void {
    if (this.options.membership.lease === undefined) return;
    const held = this.leaseHeld();
    if (held === this.leaseAnnounced) return;
    this.leaseAnnounced = held;
    for (const listener of [...this.leaseListeners]) {
      try {
        listener(held);
      } catch (error) {
        this.logger.error('lease listener threw', { held, error: String(error) });
      }
    }
  }

  tell(node: string, target: ActorRef, message: Message, sender: ActorRef | undefined): void {
    try {
      this.endpoint.tell(target, message, { node, sender });
    } catch (error) {
      this.stats.unencodable++;
      this.logger.warn('tell could not be encoded', { type: message.type, error: String(error) });
    }
  }

  ask(node: string, target: ActorRef, message: Message, sender: ActorRef | undefined, timeoutMs: number) {
    return this.endpoint.ask(target, message, { node, sender, timeoutMs });
  }

  watchRemote(watcher: Actor, node: string, target: ActorRef): void {
    if (!this.peers.has(node) || this.peers.get(node)!.link.state === 'down') {
      this.runtime.deliverDown(watcher, down(target, `node ${node} is not reachable`));
      return;
    }
    this.endpoint.tell(target, { type: WATCH }, { node, sender: watcher.self });
    let list = this.nodeWatches.get(node);
    if (!list) {
      list = [];
      this.nodeWatches.set(node, list);
    }
    list.push({ watcher, target });
  }

  actorStopped(kind: string, id: string, reason: DownReason, detail: string): void {
    const key = `${kind}/${id}`;
    const watchers = this.remoteWatchers.get(key);
    if (watchers === undefined) return;
    this.remoteWatchers.delete(key);
    for (const { watcher, node, pinned } of watchers) {
      const actor = new Wire.AddressT(kind, id, pinned ? this.nodeId : null);
      const body = new System.DownT(actor, DOWN_REASONS.indexOf(reason), wireText(detail));
      this.endpoint.tell(watcher, { type: 'Down', body } as Message, { node });
    }
  }

  /** Packets from a peer: heartbeats, watches and Downs are the cluster's own business; the rest go to actors. */
  private receive(packet: Packet, from: string): void {
    if (packet.type === HEARTBEAT && packet.target.kind === '$system') {
      this.heartbeatFrom(packet, from);
      return;
    }
    if (packet.type === LEAVE && packet.target.kind === '$system') {
      this.departed.add(from);
      return;
    }
    const answer = this.relay.answer(packet, from);
    if (answer !== undefined) {
      this.send(answer.packet, answer.to);
      return;
    }
    const disposition = dispositionOf(packet, from, this.ownership, packet.type !== WATCH);
    if (disposition.action === 'forward') {
      this.passOn(packet, from, disposition.to);
      return;
    }
    if (disposition.action === 'refuse') {
      this.notOwned(packet, from, disposition.why);
      return;
    }
    if (packet.type === WATCH && packet.sender !== undefined) {
      const key = `${packet.target.kind}/${packet.target.id}`;
      let list = this.remoteWatchers.get(key);
      if (!list) {
        list = [];
        this.remoteWatchers.set(key, list);
      }
      list.push({ watcher: packet.sender, node: from, pinned: packet.target.node !== undefined });
      return;
    }
    if (packet.type === 'Down' && (packet.flags & PacketFlags.Reply) === 0) {
      const decoded = this.registry.decode('Down', packet.body);
      if (!decoded.ok) {
        this.logger.warn('unreadable Down refused', { from, error: decoded.error.message });
        return;
      }
      const body = decoded.value.body as System.DownT;
      const actor = body.actor!;
      const down: Down = {
        type: 'Down',
        actor: new ActorRef(actor.kind as string, actor.id as string, (actor.node as string | null) ?? undefined, null),
        reason: DOWN_REASONS[body.reason] ?? 'failed',
        detail: typeof body.detail === 'string' ? body.detail : '',
      };
      const target = packet.target;
      // Told: the watch is over, and the watched actor's node going down later must not tell it a second time.
      this.forgetNodeWatch(target.kind, target.id, down.actor);
      this.runtime.tellLocal(new ActorRef(target.kind, target.id, target.node, null), down, undefined);
      return;
    }
    this.endpoint.receive(packet, from);
  }

  /** Drops the watches of watcher `kind/id` on `actor` that a node's going down would answer with Down. */
  private forgetNodeWatch(kind: string, id: string, actor: ActorRef): void {
    for (const [node, watches] of this.nodeWatches) {
      const kept = watches.filter(
        ({ watcher, target }) =>
          !(
            watcher.self.kind === kind &&
            watcher.self.id === id &&
            target.kind === actor.kind &&
            target.id === actor.id
          ),
      );
      if (kept.length === watches.length) continue;
      if (kept.length === 0) this.nodeWatches.delete(node);
      else this.nodeWatches.set(node, kept);
    }
  }

  /** Sends a packet for an actor `owner` owns on to it, once; an ask under an id of this node's (AskRelay). */
  private passOn(packet: Packet, from: string, owner: string): void {
    const flags = packet.flags | PacketFlags.Forwarded;
    const isAsk = (packet.flags & PacketFlags.Ask) !== 0;
    const passed = isAsk ? this.relay.pass(packet, from, owner, flags) : { ...packet, flags };
    if (this.peers.get(owner)?.link.send(passed)) {
      this.stats.forwarded++;
      return;
    }
    if (isAsk) this.relay.cancel(passed.correlationId);
    this.notOwned(packet, from, `${this.nodeId} could not pass it on to ${owner}, its owner`);
  }

  /** A packet for a virtual actor another member owns, which this node neither serves nor could pass on. */
  private notOwned(packet: Packet, from: string, why: string): void {
    this.stats.notOwned++;
    if ((packet.flags & PacketFlags.Ask) !== 0) {
      this.endpoint.refuse(packet, from, ErrorCode.Unavailable, `${NOT_OWNER_PREFIX}${why}`);
    } else {
      this.stats.undeliverable++;
    }
  }

  private meterOf(peerId: string): PeerMeter {
    let meter = this.meters.get(peerId);
    if (meter === undefined) {
      meter = {
        sentFrames: 0,
        sentBytes: 0,
        receivedFrames: 0,
        receivedBytes: 0,
        rttSeconds: undefined,
        lastSequence: 0,
        pending: new Map(),
      };
      this.meters.set(peerId, meter);
    }
    return meter;
  }

  /**
   * Closes the links of peers that have stopped answering (a frozen process, a half-open connection that no RST
   * will ever end), then sends each open link its heartbeat. Closing an outbound link takes its peer out of routing,
   * fails the asks waiting on it and sends its watchers Down, as any dropped connection does; closing a silent
   * inbound one lets the peer link again once it can, since a node takes one link per peer.
   */
  private sendHeartbeats(): void {
    if (this.stopping) return;
    // Answers growing old end a lease that only the members' answers held (Redis unreachable).
    this.announceLease();
    for (const [id, peer] of this.peers) {
      if (peer.link.state !== 'open') continue;
      if (peer.silence.elapse() >= this.heartbeatMisses) {
        peer.link.close(`no answer to ${this.heartbeatMisses} heartbeats in a row`);
        continue;
      }
      const meter = this.meterOf(id);
      meter.lastSequence = (meter.lastSequence + 1) >>> 0;
      if (!peer.link.send(this.heartbeat(meter.lastSequence, Date.now(), 0))) continue;
      if (meter.pending.size >= MAX_PENDING_HEARTBEATS) meter.pending.delete(meter.pending.keys().next().value!);
      // The round trip is measured on this clock alone: sent_at_ms is only the sender's wall clock.
      meter.pending.set(meter.lastSequence, performance.now());
    }
    for (const link of this.inbound) {
      if (link.peerId !== undefined && link.silence.elapse() > this.heartbeatMisses) {
        link.drop(`nothing received for ${this.heartbeatMisses + 1} heartbeat intervals`);
      }
    }
  }

  /** Answers a peer's heartbeat on this node's own link to it, or takes the round trip from an answer. */
  private heartbeatFrom(packet: Packet, from: string): void {
    const decoded = this.registry.decode(HEARTBEAT, packet.body);
    if (!decoded.ok) {
      this.logger.warn('unreadable Heartbeat refused', { from, error: decoded.error.message });
      return;
    }
    const beat = decoded.value.body as System.HeartbeatT;
    if ((packet.flags & PacketFlags.Reply) === 0) {
      const peer = this.peers.get(from);
      // Queued on a link still connecting, the answer would measure the reconnect rather than the round trip.
      if (peer?.link.state === 'open') peer.link.send(this.heartbeat(beat.sequence, beat.sentAtMs, PacketFlags.Reply));
      return;
    }
    const meter = this.meters.get(from);
    const sentAt = meter?.pending.get(beat.sequence);
    if (meter === undefined || sentAt === undefined) return;
    meter.pending.delete(beat.sequence);
    meter.rttSeconds = (performance.now() - sentAt) / 1000;
    this.peers.get(from)?.silence.heardFrom();
  }

  private heartbeat(sequence: number, sentAtMs: number, flags: number): Packet {
    const body = this.registry.encode({ type: HEARTBEAT, body: new System.HeartbeatT(sequence, sentAtMs) } as Message);
    return { target: HEARTBEAT_ADDRESS, type: HEARTBEAT, correlationId: 0, flags, ttlMs: 0, body };
  }

  /**
   * Leaves gracefully: deregisters (others stop routing here), keeps serving what is in flight while mailboxes
   * drain, flushes the replies, then closes every connection. No acknowledged message is lost.
   */
  async leave(options: { drainTimeoutMs?: number; graceMs?: number } = {}): Promise<void> {
    if (this.stopping) return;
    // Deregistering gives the lease up: the others are about to move this node's actors.
    this.deregistered = true;
    this.announceLease();
    await this.options.membership.leave();
    this.unsubscribe();
    const notice: Packet = {
      target: { kind: '$system', id: 'leave' },
      type: LEAVE,
      correlationId: 0,
      flags: 0,
      ttlMs: 0,
      body: new Uint8Array(0),
    };
    for (const peer of this.peers.values()) peer.link.send(notice);
    await new Promise((resolve) => setTimeout(resolve, options.graceMs ?? 50));
    this.stopping = true;
    await this.runtime.system.shutdown({ drainTimeoutMs: options.drainTimeoutMs ?? 10_000 });
    await Promise.all([...this.peers.values()].map((peer) => peer.link.drained()));
    await this.close();
  }

  /** Closes every connection at once, without deregistering or draining. */
  async close(): Promise<void> {
    this.stopping = true;
    this.announceLease();
    this.unsubscribe();
    clearInterval(this.heartbeats);
    for (const peer of this.peers.values()) {
      if (peer.retry) clearTimeout(peer.retry);
      peer.link.close('cluster closed');
    }
    this.peers.clear();
    for (const link of this.inbound) link.close();
    for (const bound of this.leaving.values()) clearTimeout(bound);
    this.leaving.clear();
    this.relay.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private send(packet: Packet, node: string | undefined): void {
    const to = node ?? packet.target.node ?? this.ownerOf(packet.target.kind, packet.target.id);
    if (to === this.nodeId) {
      queueMicrotask(() => this.endpoint.receive(packet, this.nodeId));
      return;
    }
    const peer = to === undefined ? undefined : this.peers.get(to);
    if (peer === undefined || peer.link.state === 'down') {
      this.undeliverable(packet, new PeerDownError(to ?? 'none', 'no live member hosts it'));
      return;
    }
    if (!peer.link.send(packet)) this.undeliverable(packet, new PeerOverloadedError(peer.info.id, peer.link.queued));
  }

  private undeliverable(packet: Packet, error: Error): void {
    if ((packet.flags & PacketFlags.Ask) !== 0) this.endpoint.failAsk(packet.correlationId, error);
    else this.stats.undeliverable++;
  }

  private updateView(members: readonly MemberInfo[]): void {
    if (this.stopping) return;
    this.registered = members;
    const current = new Map(members.map((m) => [m.id, m]));
    for (const [id, peer] of this.peers) {
      const info = current.get(id);
      if (info === undefined || info.startedAt !== peer.info.startedAt || info.address !== peer.info.address) {
        this.forget(id, info === undefined ? LEFT : 'restarted');
      }
    }
    for (const member of members) {
      if (member.id !== this.nodeId && !this.peers.has(member.id)) this.dial(member, 0);
    }
    // Ids come and go with Redis membership (a restarted process may take a new one): keep a meter per member only.
    for (const id of this.meters.keys()) {
      if (!current.has(id) && !this.leaving.has(id)) this.meters.delete(id);
    }
    this.reroute();
  }

  private dial(info: MemberInfo, attempts: number, refusal?: string): void {
    const peer: PeerState = {
      info,
      attempts,
      retry: null,
      refusal,
      silence: new Silence(),
      link: null as unknown as OutboundLink,
    };
    peer.link = new OutboundLink(info, this.ctx, {
      onOpen: () => {
        this.departed.delete(info.id);
        peer.attempts = 0;
        peer.refusal = undefined;
        this.stats.linksUp++;
        if (attempts > 0) this.stats.reconnects++;
        this.reroute();
      },
      onDown: (_link, reason, unsent, { wasOpen, refused }) => {
        if (wasOpen) this.stats.linksDown++;
        // One line per outage, not one per reconnect attempt, and none for links this node closed itself. A peer
        // that is not up yet (members starting together) is reported only once it keeps failing; a refused
        // handshake at once, since waiting will not mend a wrong secret or id.
        const current = !this.stopping && this.peers.get(info.id) === peer;
        if (current && this.departed.has(info.id)) {
          if (wasOpen) this.logger.info(`${info.id} left the cluster; link to ${info.address} closed`);
        } else if (current && refused && reason !== peer.refusal) {
          peer.refusal = reason;
          this.logger.warn(`link to ${info.id} at ${info.address} refused: ${reason}`);
        } else if (current && wasOpen) this.logger.warn(`link to ${info.id} at ${info.address} down: ${reason}`);
        else if (current && attempts === REPORT_AFTER_ATTEMPTS) {
          this.logger.warn(
            `link to ${info.id} at ${info.address} still not up after ${attempts + 1} attempts: ${reason}`,
          );
        }
        this.linkDown(peer, reason, unsent);
      },
    });
    this.peers.set(info.id, peer);
  }

  private refusalOf(peerId: string): string | undefined {
    if (peerId === this.nodeId) return `${peerId} claims this node's own id`;
    if (!this.options.membership.admits(peerId)) return `${peerId} is not a listed member`;
    for (const link of this.inbound) {
      if (link.peerId === peerId) return `${peerId} is already connected`;
    }
    return undefined;
  }

  /**
   * A member just dialed in and proved the secret: if this node's own link to it is waiting out a reconnect
   * backoff, dial now, so replies to what it is about to send have a way back.
   */
  private peerProvedAlive(id: string): void {
    const peer = this.peers.get(id);
    if (peer?.retry == null || this.stopping) return;
    clearTimeout(peer.retry);
    peer.retry = null;
    const info = this.registered.find((m) => m.id === id);
    if (info === undefined) this.peers.delete(id);
    else this.dial(info, peer.attempts + 1, peer.refusal);
  }

  private linkDown(peer: PeerState, reason: string, unsent: Packet[]): void {
    const current = this.peers.get(peer.info.id) === peer;
    // An answer to a heartbeat sent before the drop would time the outage, not the round trip.
    this.meters.get(peer.info.id)?.pending.clear();
    if (current) {
      this.stats.suspicions++;
      this.reroute();
    }
    // Unsent packets move first, so that failing what is pending on the node below spares the asks among them.
    for (const packet of unsent) this.resend(packet, peer.info.id);
    // A link closed on purpose (the member left or restarted) was already dealt with by forget().
    if (!current) return;
    this.lost(peer.info.id, reason);
    if (this.stopping) return;
    const delay = Math.random() * Math.min(this.reconnectMaxMs, this.reconnectBaseMs * 2 ** peer.attempts);
    peer.retry = setTimeout(() => {
      peer.retry = null;
      const info = this.registered.find((m) => m.id === peer.info.id);
      if (this.peers.get(peer.info.id) !== peer || this.stopping) return;
      if (info === undefined) {
        this.peers.delete(peer.info.id);
        return;
      }
      this.dial(info, peer.attempts + 1, peer.refusal);
    }, delay);
    peer.retry.unref();
  }

  /**
   * Drops a member from the peers: its link closes and nothing new is sent to it. A member that left gracefully is
   * still draining and will answer what it holds over its own link, so its pending asks fail only once that link
   * closes (or after a bound); one that restarted lost them already.
   */
  private forget(id: string, reason: string): void {
    const peer = this.peers.get(id)!;
    this.peers.delete(id);
    this.reroute();
    if (peer.retry) clearTimeout(peer.retry);
    peer.link.close(reason);
    if (reason !== LEFT) {
      this.lost(id, reason);
      return;
    }
    this.logger.info(`${id} left the cluster`);
    const watches = this.nodeWatches.get(id);
    this.nodeWatches.delete(id);
    for (const { watcher, target } of watches ?? []) {
      this.runtime.deliverDown(watcher, down(target, `node ${id} left the cluster`));
    }
    const bound = setTimeout(() => this.leftFinally(id), LEAVE_DRAIN_BOUND_MS);
    bound.unref();
    this.leaving.set(id, bound);
  }

  /** A member that left has closed its last link to this node: whatever it did not answer, it never will. */
  private leftFinally(id: string): void {
    const bound = this.leaving.get(id);
    if (bound === undefined) return;
    clearTimeout(bound);
    this.leaving.delete(id);
    // Deregistered and gone: nothing will ask about its departure again, and a set of every past member would grow.
    this.departed.delete(id);
    this.lost(id, LEFT);
  }

  private lost(id: string, reason: string): void {
    this.endpoint.failAsksTo(id, reason);
    for (const { origin, ask } of this.relay.ownerLost(id)) {
      const why = `${NOT_OWNER_PREFIX}${this.nodeId} passed it on to ${id}, its owner, which went down: ${reason}`;
      this.endpoint.refuse(ask, origin, ErrorCode.Unavailable, why);
    }
    for (const [key, list] of this.remoteWatchers) {
      const kept = list.filter((w) => w.node !== id);
      if (kept.length === 0) this.remoteWatchers.delete(key);
      else if (kept.length !== list.length) this.remoteWatchers.set(key, kept);
    }
    const watches = this.nodeWatches.get(id);
    this.nodeWatches.delete(id);
    for (const { watcher, target } of watches ?? []) {
      this.runtime.deliverDown(watcher, down(target, `node ${id}: ${reason}`));
    }
  }

  /** A packet that never reached a dead peer's socket: virtual targets find their new owner, the rest fail. */
  private resend(packet: Packet, deadNode: string): void {
    if ((packet.flags & PacketFlags.Reply) !== 0 || packet.target.node !== undefined) {
      this.undeliverable(packet, new PeerDownError(deadNode, 'connection lost before the packet was sent'));
      return;
    }
    this.stats.rerouted++;
    const to = this.ownerOf(packet.target.kind, packet.target.id);
    if ((packet.flags & PacketFlags.Ask) !== 0 && to !== undefined) this.endpoint.askMovedTo(packet.correlationId, to);
    this.send(packet, to);
  }

  /** Routing uses the registered members whose link is open, plus this node. */
  private reroute(): void {
    const live = this.registered.filter((m) => m.id === this.nodeId || this.peers.get(m.id)?.link.state === 'open');
    if (!live.some((m) => m.id === this.nodeId) && this.self) live.push(this.self);
    const before = this.router.memberList.map((m) => m.id).join();
    this.router.setMembers(live);
    this.announceLease();
    if (live.map((m) => m.id).join() !== before) {
      this.runtime.deactivateWhere((kind, id) => {
        const owner = this.ownerOf(kind, id);
        return owner !== undefined && owner !== this.nodeId;
      });
    }
  }
}

function down(target: ActorRef, detail: string): Down {
  return { type: 'Down', actor: target, reason: 'node_down', detail };
}

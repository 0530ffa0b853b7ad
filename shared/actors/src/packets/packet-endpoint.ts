import {
  type Address,
  defaultLimits,
  ErrorCode,
  type Message,
  type MessageRegistry,
  type Packet,
  PacketFlags,
  System,
  tooLarge,
  type WireMessage,
} from '@packetflow/protocol';
import { ActorRef } from '../actor-ref.js';
import { type AskOutcome, AskTable } from '../asks.js';
import type { Logger } from '../behavior.js';
import { PacketRefusedError, PeerDownError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { type ActorSystem, runtimeOf } from '../system.js';
import { fromWireError, toWireError, wireText } from './wire-errors.js';

/** Type of the reply to an ask whose handler returned nothing; its body is empty. */
export const ACK = 'Ack';
const emptyBody = new Uint8Array(0);

/** An ask from another node being answered here: what its reply is addressed by. */
class InboundAsk {
  constructor(
    readonly packet: Packet,
    readonly fromNode: string | undefined,
  ) {}
}

export interface PacketEndpointOptions {
  /** Codecs for every message type that crosses this endpoint. */
  readonly registry: MessageRegistry;
  /**
   * Hands a packet to the transport, for `node` when the sender knows it (replies go back to the node their ask
   * came from). Called synchronously; the endpoint never waits on it.
   */
  readonly send: (packet: Packet, node: string | undefined) => void;
  /** Deadline of outbound asks without one; 5000 ms unless set. */
  readonly defaultAskTimeoutMs?: number;
  /**
   * Largest body this endpoint sends, as the transport's codec allows (the protocol's 64 KiB unless set): a bigger
   * one is refused here, with an error to whoever sent it, rather than failing the frame it would have gone in.
   */
  readonly maxBodyBytes?: number;
  readonly logger?: Logger;
}

/**
 * Where packets from another process enter an actor system, and where this side's asks and tells to actors elsewhere
 * leave it. A packet's body is decoded (verified) by the registry into the same `{ type, body }` message a local
 * sender would pass, then delivered through the system's ordinary `tell`/`send`: handlers cannot tell the paths
 * apart, and a packet that fails decoding never reaches an actor. Transports (TCP, in the distribution milestone)
 * only move packets; routing decides which endpoint a packet goes to.
 */
export interface OutboundOptions {
  /** The node to send to; the transport routes by the target when absent. */
  readonly node?: string;
  /** The sending actor, which the receiver sees as `ctx.sender`; the endpoint itself when absent. */
  readonly sender?: Address;
}

export class PacketEndpoint {
  readonly stats = { received: 0, refused: 0, lateReplies: 0, askTimeouts: 0 };
  /** The reply-to address of asks made through this endpoint. */
  readonly address: Address;
  private readonly asks = new AskTable(
    () => this.stats.askTimeouts++,
    (seconds) => this.runtime.askSettled('remote', seconds),
  );
  /** Answers asks from other nodes as the runtime settles them; shared by all of them. */
  private readonly inboundAsks: AskOutcome<InboundAsk> = {
    resolve: (reply, ask) => this.answer(ask.packet, ask.fromNode, reply),
    reject: (error, ask) => this.answerError(ask.packet, ask.fromNode, toWireError(error)),
  };
  private readonly registry: MessageRegistry;
  private readonly transmit: (packet: Packet, node: string | undefined) => void;
  private readonly runtime: Runtime;
  private readonly defaultAskTimeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly logger: Logger | undefined;

  constructor(system: ActorSystem, options: PacketEndpointOptions) {
    this.runtime = runtimeOf(system);
    if (!options.registry.has('Error')) {
      throw new Error('the registry must hold the protocol messages: start from createProtocolRegistry()');
    }
    this.registry = options.registry;
    this.transmit = options.send;
    this.defaultAskTimeoutMs = options.defaultAskTimeoutMs ?? 5000;
    this.maxBodyBytes = options.maxBodyBytes ?? defaultLimits.maxBodyBytes;
    this.logger = options.logger;
    this.address = { kind: 'endpoint', id: system.nodeId, node: system.nodeId };
  }

  /**
   * Delivers a packet that arrived from `fromNode` to the actor on this node, without routing it again: the sender
   * chose this node. Never throws; what it refuses is counted and, for asks, answered.
   */
  receive(packet: Packet, fromNode?: string): void {
    this.stats.received++;
    if ((packet.flags & PacketFlags.Reply) !== 0) {
      this.settle(packet);
      return;
    }
    const isAsk = (packet.flags & PacketFlags.Ask) !== 0;
    if (isAsk && (packet.correlationId === 0 || packet.sender === undefined)) {
      this.refuse(packet, fromNode, ErrorCode.MalformedPacket, 'an ask needs a correlation id and a sender');
      return;
    }
    const { target } = packet;
    if (target.node !== undefined && target.node !== this.runtime.nodeId) {
      const why = `${target.kind}/${target.id} is pinned to ${target.node}, not here`;
      this.refuse(packet, fromNode, ErrorCode.Unavailable, why);
      return;
    }
    const decoded = this.registry.decode(packet.type, packet.body);
    if (!decoded.ok) {
      this.refuse(packet, fromNode, decoded.error.code, decoded.error.message);
      return;
    }
    const ref = new ActorRef(target.kind, target.id, target.node, null);
    const from = packet.sender;
    const sender = from === undefined ? undefined : new ActorRef(from.kind, from.id, from.node, null);
    if (!isAsk) {
      this.runtime.tellLocal(ref, decoded.value, sender);
      return;
    }
    const timeoutMs = packet.ttlMs > 0 ? packet.ttlMs : this.defaultAskTimeoutMs;
    this.runtime.askLocalWith(
      ref,
      decoded.value,
      sender,
      timeoutMs,
      this.inboundAsks,
      new InboundAsk(packet, fromNode),
    );
  }

  /**
   * Sends a message to an actor elsewhere, fire and forget. Throws ProtocolError if its type has no codec or its
   * body is over `maxBodyBytes`.
   */
  tell(target: Address, message: Message, options: OutboundOptions = {}): void {
    const body = this.encode(message);
    this.transmit(
      { target, sender: options.sender, type: message.type, correlationId: 0, flags: 0, ttlMs: 0, body },
      options.node,
    );
  }

  /** Asks an actor elsewhere; resolves with its reply message (undefined for an `Ack`), or rejects with the typed error. */
  ask<R extends WireMessage | undefined = WireMessage | undefined>(
    target: Address,
    message: Message,
    options: OutboundOptions & { readonly timeoutMs?: number } = {},
  ): Promise<R> {
    let body: Uint8Array;
    try {
      body = this.encode(message);
    } catch (error) {
      return Promise.reject(error);
    }
    const ttlMs = options.timeoutMs ?? this.defaultAskTimeoutMs;
    const id = this.asks.nextCorrelationId();
    const reply = this.asks.open(id, target, message.type, ttlMs, options.node) as Promise<R>;
    const sender = options.sender ?? this.address;
    this.transmit(
      { target, sender, type: message.type, correlationId: id, flags: PacketFlags.Ask, ttlMs, body },
      options.node,
    );
    return reply;
  }

  /**
   * Fails at once every ask waiting on `node`, which has gone away: whether it handled them is unknown, and
   * waiting for their deadlines would only delay the caller's retry.
   */
  failAsksTo(node: string, detail: string): number {
    return this.asks.rejectNode(node, () => new PeerDownError(node, detail));
  }

  /** Records that an ask not yet sent is going to `node` instead, so only that node's failure fails it. */
  askMovedTo(correlationId: number, node: string): void {
    this.asks.retarget(correlationId, node);
  }

  /** Fails one ask (by correlation id) that could not be sent, with the transport's typed error. */
  failAsk(correlationId: number, error: unknown): void {
    this.asks.reject(correlationId, error);
  }

  private settle(packet: Packet): void {
    const pending = this.asks.waiting(packet.correlationId);
    if (pending === undefined) {
      this.stats.lateReplies++;
      return;
    }
    if ((packet.flags & PacketFlags.Error) !== 0) {
      const decoded = this.registry.decode('Error', packet.body);
      const error = decoded.ok
        ? (decoded.value.body as System.ErrorT)
        : new System.ErrorT(decoded.error.code, `unreadable error reply: ${decoded.error.message}`);
      const message = typeof error.message === 'string' ? error.message : '';
      this.asks.reject(
        packet.correlationId,
        fromWireError(error.code, message, pending.address, pending.messageType, pending.timeoutMs),
      );
      return;
    }
    if (packet.type === ACK) {
      this.asks.resolve(packet.correlationId, undefined);
      return;
    }
    const decoded = this.registry.decode(packet.type, packet.body);
    if (decoded.ok) this.asks.resolve(packet.correlationId, decoded.value);
    else this.asks.reject(packet.correlationId, new PacketRefusedError(decoded.error.code, decoded.error.message));
  }

  private answer(ask: Packet, fromNode: string | undefined, reply: unknown): void {
    if (reply === undefined || reply === null) {
      this.reply(ask, fromNode, ACK, emptyBody, 0);
      return;
    }
    const type = (reply as Message).type;
    if (typeof type !== 'string' || !this.registry.has(type)) {
      this.answerError(ask, fromNode, {
        code: ErrorCode.UnknownMessage,
        message: `the reply to ${ask.type} is not a message with a registered codec`,
      });
      return;
    }
    let body: Uint8Array;
    try {
      body = this.encode(reply as Message);
    } catch (error) {
      this.answerError(ask, fromNode, toWireError(error));
      return;
    }
    this.reply(ask, fromNode, type, body, 0);
  }

  private answerError(ask: Packet, fromNode: string | undefined, error: { code: ErrorCode; message: string }): void {
    const message = wireText(error.message);
    const body = this.registry.encode({ type: 'Error', body: new System.ErrorT(error.code, message) } as Message);
    this.reply(ask, fromNode, 'Error', body, PacketFlags.Error);
  }

  private reply(ask: Packet, fromNode: string | undefined, type: string, body: Uint8Array, flags: number): void {
    this.transmit(
      {
        target: ask.sender!,
        sender: ask.target,
        type,
        correlationId: ask.correlationId,
        flags: PacketFlags.Reply | flags,
        ttlMs: 0,
        body,
      },
      fromNode,
    );
  }

  /** A message's body as it will go out; throws ProtocolError when it has no codec or is over `maxBodyBytes`. */
  private encode(message: Message): Uint8Array {
    const body = this.registry.encode(message);
    if (body.length > this.maxBodyBytes) {
      throw tooLarge(`${message.type} body of ${body.length} bytes exceeds the ${this.maxBodyBytes}-byte limit`);
    }
    return body;
  }

  /** Counts and logs a packet this side will not deliver, and answers it with an Error when it is an ask. */
  refuse(packet: Packet, fromNode: string | undefined, code: ErrorCode, message: string): void {
    this.stats.refused++;
    this.logger?.warn('packet refused', {
      type: packet.type,
      target: `${packet.target.kind}/${packet.target.id}`,
      message,
    });
    if ((packet.flags & PacketFlags.Ask) !== 0 && packet.correlationId !== 0 && packet.sender !== undefined) {
      this.answerError(packet, fromNode, { code, message });
    }
  }
}

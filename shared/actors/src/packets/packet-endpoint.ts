import {
  type Address,
  ErrorCode,
  type Message,
  type MessageRegistry,
  type Packet,
  PacketFlags,
  System,
  type WireMessage,
} from '@packetflow/protocol';
import { ActorRef } from '../actor-ref.js';
import { AskTable } from '../asks.js';
import type { AskOptions, Logger } from '../behavior.js';
import { PacketRefusedError } from '../errors.js';
import type { ActorSystem } from '../system.js';
import { fromWireError, toWireError } from './wire-errors.js';

/** Type of the reply to an ask whose handler returned nothing; its body is empty. */
export const ACK = 'Ack';
const emptyBody = new Uint8Array(0);

export interface PacketEndpointOptions {
  /** Codecs for every message type that crosses this endpoint. */
  readonly registry: MessageRegistry;
  /** Hands a packet to the transport. Called synchronously; the endpoint never waits on it. */
  readonly send: (packet: Packet) => void;
  /** Deadline of outbound asks without one; 5000 ms unless set. */
  readonly defaultAskTimeoutMs?: number;
  readonly logger?: Logger;
}

/**
 * Where packets from another process enter an actor system, and where this side's asks and tells to actors elsewhere
 * leave it. A packet's body is decoded (verified) by the registry into the same `{ type, body }` message a local
 * sender would pass, then delivered through the system's ordinary `tell`/`send`: handlers cannot tell the paths
 * apart, and a packet that fails decoding never reaches an actor. Transports (TCP, in the distribution milestone)
 * only move packets; routing decides which endpoint a packet goes to.
 */
export class PacketEndpoint {
  readonly stats = { received: 0, refused: 0, lateReplies: 0, askTimeouts: 0 };
  /** The reply-to address of asks made through this endpoint. */
  readonly address: Address;
  private readonly asks = new AskTable(() => this.stats.askTimeouts++);
  private readonly registry: MessageRegistry;
  private readonly transmit: (packet: Packet) => void;
  private readonly defaultAskTimeoutMs: number;
  private readonly logger: Logger | undefined;

  constructor(
    private readonly system: ActorSystem,
    options: PacketEndpointOptions,
  ) {
    if (!options.registry.has('Error')) {
      throw new Error('the registry must hold the protocol messages: start from createProtocolRegistry()');
    }
    this.registry = options.registry;
    this.transmit = options.send;
    this.defaultAskTimeoutMs = options.defaultAskTimeoutMs ?? 5000;
    this.logger = options.logger;
    this.address = { kind: 'endpoint', id: system.nodeId, node: system.nodeId };
  }

  /** Delivers a packet that arrived from elsewhere. Never throws; what it refuses is counted and, for asks, answered. */
  receive(packet: Packet): void {
    this.stats.received++;
    if ((packet.flags & PacketFlags.Reply) !== 0) {
      this.settle(packet);
      return;
    }
    const isAsk = (packet.flags & PacketFlags.Ask) !== 0;
    if (isAsk && (packet.correlationId === 0 || packet.sender === undefined)) {
      this.refuse(packet, ErrorCode.MalformedPacket, 'an ask needs a correlation id and a sender');
      return;
    }
    const { target } = packet;
    if (target.node !== undefined && target.node !== this.system.nodeId) {
      this.refuse(packet, ErrorCode.Unavailable, `${target.kind}/${target.id} is pinned to ${target.node}, not here`);
      return;
    }
    const decoded = this.registry.decode(packet.type, packet.body);
    if (!decoded.ok) {
      this.refuse(packet, decoded.error.code, decoded.error.message);
      return;
    }
    const ref = new ActorRef(target.kind, target.id, target.node, null);
    if (!isAsk) {
      this.system.tell(ref, decoded.value);
      return;
    }
    const options = packet.ttlMs > 0 ? { timeoutMs: packet.ttlMs } : undefined;
    this.system.send(ref, decoded.value, options).then(
      (reply) => this.answer(packet, reply),
      (error) => this.answerError(packet, toWireError(error)),
    );
  }

  /** Sends a message to an actor elsewhere, fire and forget. Throws ProtocolError if its type has no codec. */
  tell(target: Address, message: Message): void {
    this.transmit({
      target,
      type: message.type,
      correlationId: 0,
      flags: 0,
      ttlMs: 0,
      body: this.registry.encode(message),
    });
  }

  /** Asks an actor elsewhere; resolves with its reply message (undefined for an `Ack`), or rejects with the typed error. */
  ask<R extends WireMessage | undefined = WireMessage | undefined>(
    target: Address,
    message: Message,
    options?: AskOptions,
  ): Promise<R> {
    const body = this.registry.encode(message);
    const ttlMs = options?.timeoutMs ?? this.defaultAskTimeoutMs;
    const id = this.asks.nextCorrelationId();
    const reply = this.asks.open(id, target, message.type, ttlMs) as Promise<R>;
    this.transmit({
      target,
      sender: this.address,
      type: message.type,
      correlationId: id,
      flags: PacketFlags.Ask,
      ttlMs,
      body,
    });
    return reply;
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

  private answer(ask: Packet, reply: unknown): void {
    if (reply === undefined || reply === null) {
      this.reply(ask, ACK, emptyBody, 0);
      return;
    }
    const type = (reply as Message).type;
    if (typeof type !== 'string' || !this.registry.has(type)) {
      this.answerError(ask, {
        code: ErrorCode.UnknownMessage,
        message: `the reply to ${ask.type} is not a message with a registered codec`,
      });
      return;
    }
    let body: Uint8Array;
    try {
      body = this.registry.encode(reply as Message);
    } catch (error) {
      this.answerError(ask, toWireError(error));
      return;
    }
    this.reply(ask, type, body, 0);
  }

  private answerError(ask: Packet, error: { code: ErrorCode; message: string }): void {
    const body = this.registry.encode({ type: 'Error', body: new System.ErrorT(error.code, error.message) } as Message);
    this.reply(ask, 'Error', body, PacketFlags.Error);
  }

  private reply(ask: Packet, type: string, body: Uint8Array, flags: number): void {
    this.transmit({
      target: ask.sender!,
      sender: ask.target,
      type,
      correlationId: ask.correlationId,
      flags: PacketFlags.Reply | flags,
      ttlMs: 0,
      body,
    });
  }

  private refuse(packet: Packet, code: ErrorCode, message: string): void {
    this.stats.refused++;
    this.logger?.warn('packet refused', {
      type: packet.type,
      target: `${packet.target.kind}/${packet.target.id}`,
      message,
    });
    if ((packet.flags & PacketFlags.Ask) !== 0 && packet.correlationId !== 0 && packet.sender !== undefined) {
      this.answerError(packet, { code, message });
    }
  }
}

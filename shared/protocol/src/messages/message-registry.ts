import { Builder, ByteBuffer } from 'flatbuffers';
import { defaultLimits, type Limits } from '../codec/limits.js';
import { type Decoded, ErrorCode, failure, malformed, ProtocolError } from '../codec/protocol-error.js';
import { copyOut } from '../codec/slab.js';
import type { TableLayout } from '../codec/table-layout.js';
import { Verifier } from '../codec/verifier.js';
import { tableLayouts } from '../generated/layouts.js';
import type { Message } from '../message.js';

/** The body of every message without fields: shared, since allocating even an empty typed array is not free. */
const EMPTY_BODY = new Uint8Array(0);

/** A message that can cross the wire: its `type` names a FlatBuffers table and `body` is that table's object. */
export interface WireMessage<T extends string = string, B = unknown> extends Message {
  readonly type: T;
  readonly body: B;
}

/** The object-API object of a table (flatc's `XxxT`): it packs itself into a builder. */
export interface Packable {
  pack(builder: Builder): number;
}

/** What a registry needs to know about one message type. */
export interface MessageCodec<B = unknown> {
  readonly type: string;
  /** Layout used to verify bodies; absent for messages with no fields. */
  readonly layout?: TableLayout;
  pack(builder: Builder, body: B): number;
  unpack(bb: ByteBuffer): B;
  /** Checks values the schema cannot express (finite floats, ranges); returns why a body is unacceptable. */
  validate?(body: B): string | undefined;
  /** Bodies stay FlatBuffer bytes: verified on the way in, sent as they are on the way out (see `passThrough`). */
  readonly raw?: boolean;
}

interface GeneratedTable<B> {
  new (): { __init(pos: number, bb: ByteBuffer): { unpack(): B } };
}

/**
 * A codec for a generated table: bodies are the table's object-API objects (`ClientInputT` for `ClientInput`). The
 * message type is the table's name unless `as` names another: a service's own message on an existing table.
 */
export function tableCodec<B extends Packable>(
  tableName: keyof typeof tableLayouts & string,
  table: GeneratedTable<B>,
  validate?: (body: B) => string | undefined,
  as: string = tableName,
): MessageCodec<B> {
  return {
    type: as,
    layout: tableLayouts[tableName],
    pack: (builder, body) => body.pack(builder),
    unpack: (bb) => new table().__init(bb.readInt32(bb.position()) + bb.position(), bb).unpack(),
    ...(validate ? { validate } : {}),
  };
}

/**
 * Maps message types to their FlatBuffers codecs. A local send never touches it; a transport uses it to turn a
 * message into an envelope body and back, so a handler receives the same `{ type, body }` shape on both paths.
 */
export class MessageRegistry {
  private readonly codecs = new Map<string, MessageCodec<unknown>>();
  private readonly builder = new Builder(1024);
  private readonly verifier: Verifier;

  constructor(limits: Partial<Limits> = {}) {
    this.verifier = new Verifier({ ...defaultLimits, ...limits }, tableLayouts);
  }

  register<B>(codec: MessageCodec<B>): this {
    if (this.codecs.has(codec.type)) throw new Error(`message type ${codec.type} is registered twice`);
    this.codecs.set(codec.type, codec as MessageCodec<unknown>);
    return this;
  }

  /** Registers a message type with no fields: its body on the wire is empty. */
  registerEmpty(type: string): this {
    return this.register<undefined>({ type, pack: () => 0, unpack: () => undefined });
  }

  /**
   * From now on, bodies of `type` are still verified when they arrive, but handed over as a copy of their FlatBuffer
   * bytes instead of being unpacked into objects, and sent as the bytes they are: for a node that only relays them
   * (the gateway forwards every match snapshot to its clients unchanged).
   */
  passThrough(type: string): this {
    const codec = this.codecs.get(type);
    if (!codec?.layout) throw new Error(`only a registered message type with fields can pass through, not ${type}`);
    this.codecs.set(type, {
      type,
      layout: codec.layout,
      raw: true,
      pack: () => {
        throw new Error(`${type} passes through as bytes`);
      },
      unpack: (bb) => bb.bytes().slice(),
    });
    return this;
  }

  has(type: string): boolean {
    return this.codecs.has(type);
  }

  get types(): string[] {
    return [...this.codecs.keys()];
  }

  /** Encodes a message's body as a complete FlatBuffer. Throws ProtocolError for an unregistered type. */
  encode(message: Message | WireMessage): Uint8Array {
    const codec = this.codecs.get(message.type);
    if (!codec) throw new ProtocolError(ErrorCode.UnknownMessage, `no codec for message type ${message.type}`);
    if (!codec.layout) return EMPTY_BODY;
    if (codec.raw) {
      const body = (message as WireMessage).body;
      if (!(body instanceof Uint8Array))
        throw new ProtocolError(ErrorCode.InvalidArgument, `${message.type} must be bytes`);
      return body;
    }
    const b = this.builder;
    b.clear();
    b.finish(codec.pack(b, (message as WireMessage).body));
    return copyOut(b.asUint8Array());
  }

  /** Decodes and validates a body from outside. Never throws. */
  decode(type: string, body: Uint8Array): Decoded<WireMessage> {
    const codec = this.codecs.get(type);
    if (!codec) return failure(new ProtocolError(ErrorCode.UnknownMessage, `no codec for message type ${type}`));
    try {
      if (!codec.layout) {
        if (body.length !== 0) throw malformed(`${type} carries no fields but has a ${body.length}-byte body`);
        return { ok: true, value: { type, body: undefined } };
      }
      this.verifier.verifyRoot(body, codec.layout);
      const value = codec.unpack(new ByteBuffer(body));
      const problem = codec.validate?.(value);
      if (problem) throw new ProtocolError(ErrorCode.InvalidArgument, `${type}: ${problem}`);
      return { ok: true, value: { type, body: value } };
    } catch (error) {
      return failure(error);
    }
  }
}

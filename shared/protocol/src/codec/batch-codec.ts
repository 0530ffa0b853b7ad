import { Builder } from 'flatbuffers';
import type { Address } from '../address.js';
import { Address as AddressTable } from '../generated/packet-flow/wire/address.js';
import { Batch } from '../generated/packet-flow/wire/batch.js';
import { Envelope } from '../generated/packet-flow/wire/envelope.js';
import { BatchReader, batchReaderLimits } from './batch-reader.js';
import { defaultLimits, type Limits } from './limits.js';
import { readU32 } from './little-endian.js';
import type { Packet } from './packet.js';
import { type Decoded, ErrorCode, failure, malformed, ProtocolError, tooLarge } from './protocol-error.js';
import { copyOut } from './slab.js';
import { Utf8Cache } from './utf8.js';

/** Bytes of the little-endian length that precedes every frame. */
export const FRAME_HEADER_BYTES = 4;

/**
 * Encodes and decodes batches: the frame payload of the wire between nodes. A frame is a size-prefixed FlatBuffer
 * whose root is a Batch, so the FlatBuffers size prefix is the frame's length prefix.
 */
export class BatchCodec {
  private readonly limits: Readonly<Limits>;
  private readonly reader: BatchReader;
  private readonly builder = new Builder(4096);
  private readonly names = new Utf8Cache();
  private readonly ids = new Utf8Cache();
  /**
   * Address tables written into frames, by id, so that identical ones are shared within a frame. Entries outlive
   * their frame (a flood names the same addresses frame after frame) and count only when `frame` is the current one.
   */
  private readonly addresses = new Map<string, WrittenAddress>();
  private frame = 0;
  private lastAddress: Address | undefined;
  private lastOffset = 0;

  constructor(limits: Partial<Limits> = {}) {
    this.limits = { ...defaultLimits, ...limits };
    this.reader = new BatchReader(batchReaderLimits(this.limits));
  }

  /** Encodes packets into one frame, length prefix included. The returned bytes are the caller's to keep. */
  encodeFrame(packets: readonly Packet[]): Uint8Array {
    const b = this.builder;
    b.clear();
    this.frame++;
    this.lastAddress = undefined;
    if (this.addresses.size > ADDRESS_CACHE_SIZE) this.addresses.clear();
    const offsets = new Array<number>(packets.length);
    for (let i = 0; i < packets.length; i++) offsets[i] = this.encodeEnvelope(b, packets[i]!);
    const vector = Batch.createPacketsVector(b, offsets);
    Batch.startBatch(b);
    Batch.addPackets(b, vector);
    b.finish(Batch.endBatch(b), undefined, true);
    const frame = b.asUint8Array();
    if (frame.length - FRAME_HEADER_BYTES > this.limits.maxFrameBytes) {
      throw tooLarge(`frame of ${frame.length - FRAME_HEADER_BYTES} bytes exceeds ${this.limits.maxFrameBytes}`);
    }
    return copyOut(frame);
  }

  /**
   * Writes an Address table, or returns the one already written in this frame for an identical address: the
   * format allows shared sub-tables, and a flood names the same few targets and one sender over and over.
   */
  private encodeAddress(b: Builder, address: Address): number {
    if (address === this.lastAddress) return this.lastOffset;
    const node = address.node || undefined;
    const first = this.addresses.get(address.id);
    let written = first;
    let seen = 0;
    while (written !== undefined && (written.kind !== address.kind || written.node !== node)) {
      written = written.next;
      seen++;
    }
    if (written === undefined) {
      // One id under many kinds or nodes: keep the chain short, forgetting the older ones.
      written = { kind: address.kind, node, offset: 0, frame: 0, next: seen < 8 ? first : undefined };
      this.addresses.set(address.id, written);
    }
    if (written.frame !== this.frame) {
      written.offset = this.writeAddress(b, address);
      written.frame = this.frame;
    }
    this.lastAddress = address;
    this.lastOffset = written.offset;
    return written.offset;
  }

  private writeAddress(b: Builder, address: Address): number {
    if (!address.kind) throw new ProtocolError(ErrorCode.InvalidArgument, 'address kind is empty');
    const kind = b.createSharedString(this.names.get(address.kind));
    const id = b.createString(this.ids.get(address.id));
    const node = address.node ? b.createSharedString(this.names.get(address.node)) : 0;
    AddressTable.startAddress(b);
    AddressTable.addKind(b, kind);
    AddressTable.addId(b, id);
    if (node) AddressTable.addNode(b, node);
    return AddressTable.endAddress(b);
  }

  private encodeEnvelope(b: Builder, packet: Packet): number {
    if (packet.body.length > this.limits.maxBodyBytes) {
      throw tooLarge(`${packet.type} body of ${packet.body.length} bytes exceeds ${this.limits.maxBodyBytes}`);
    }
    const target = this.encodeAddress(b, packet.target);
    const sender = packet.sender ? this.encodeAddress(b, packet.sender) : 0;
    if (!packet.type) throw new ProtocolError(ErrorCode.InvalidArgument, 'packet type is empty');
    const type = b.createSharedString(this.names.get(packet.type));
    const body = packet.body.length > 0 ? b.createByteVector(packet.body) : 0;
    Envelope.startEnvelope(b);
    Envelope.addTarget(b, target);
    if (sender) Envelope.addSender(b, sender);
    Envelope.addType(b, type);
    if (packet.correlationId) Envelope.addCorrelationId(b, packet.correlationId);
    if (packet.flags) Envelope.addFlags(b, packet.flags);
    if (packet.ttlMs) Envelope.addTtlMs(b, packet.ttlMs);
    if (body) Envelope.addBody(b, body);
    return Envelope.endEnvelope(b);
  }

  /**
   * Decodes one frame payload (the bytes after the length prefix). Never throws: malformed or oversized input is a
   * typed ProtocolError. Packet bodies are views into `payload`, not copies.
   */
  decodePayload(payload: Uint8Array): Decoded<Packet[]> {
    try {
      if (payload.length > this.limits.maxFrameBytes) {
        throw tooLarge(`frame of ${payload.length} bytes exceeds ${this.limits.maxFrameBytes}`);
      }
      return { ok: true, value: this.reader.read(payload) };
    } catch (error) {
      return failure(error);
    }
  }

  /** Decodes a whole frame, length prefix included, as produced by encodeFrame. */
  decodeFrame(frame: Uint8Array): Decoded<Packet[]> {
    if (frame.length < FRAME_HEADER_BYTES) return failure(malformed('frame is shorter than its length prefix'));
    const length = readFrameLength(frame, 0);
    if (length !== frame.length - FRAME_HEADER_BYTES) {
      return failure(malformed(`frame says ${length} bytes but holds ${frame.length - FRAME_HEADER_BYTES}`));
    }
    return this.decodePayload(frame.subarray(FRAME_HEADER_BYTES));
  }
}

interface WrittenAddress {
  readonly kind: string;
  readonly node: string | undefined;
  offset: number;
  frame: number;
  readonly next: WrittenAddress | undefined;
}

/** Distinct ids whose Address tables the encoder remembers before it starts over. */
const ADDRESS_CACHE_SIZE = 4096;

/** The length a frame's 4-byte prefix announces. */
export function readFrameLength(bytes: Uint8Array, at: number): number {
  return readU32(bytes, at);
}

import { Builder, ByteBuffer } from 'flatbuffers';
import type { Address } from '../address.js';
import { tableLayouts } from '../generated/layouts.js';
import { Address as AddressTable } from '../generated/packet-flow/wire/address.js';
import { Batch } from '../generated/packet-flow/wire/batch.js';
import { Envelope } from '../generated/packet-flow/wire/envelope.js';
import { defaultLimits, type Limits } from './limits.js';
import type { Packet } from './packet.js';
import { type Decoded, ErrorCode, failure, malformed, ProtocolError, tooLarge } from './protocol-error.js';
import { copyOut } from './slab.js';
import { decodeUtf8, encodeUtf8, Utf8Cache } from './utf8.js';
import { Verifier } from './verifier.js';

/** Bytes of the little-endian length that precedes every frame. */
export const FRAME_HEADER_BYTES = 4;

const emptyBody = new Uint8Array(0);

/**
 * Encodes and decodes batches: the frame payload of the wire between nodes. A frame is a size-prefixed FlatBuffer
 * whose root is a Batch, so the FlatBuffers size prefix is the frame's length prefix.
 */
export class BatchCodec {
  private readonly limits: Readonly<Limits>;
  private readonly verifier: Verifier;
  private readonly builder = new Builder(4096);
  private readonly envelope = new Envelope();
  private readonly address = new AddressTable();
  private readonly batch = new Batch();
  private readonly names = new Utf8Cache();

  constructor(limits: Partial<Limits> = {}) {
    this.limits = { ...defaultLimits, ...limits };
    this.verifier = new Verifier(
      {
        ...this.limits,
        maxStringBytes: this.limits.maxNameBytes,
        maxVectorLength: Math.max(this.limits.maxPacketsPerBatch, this.limits.maxBodyBytes),
      },
      tableLayouts,
    );
  }

  /** Encodes packets into one frame, length prefix included. The returned bytes are the caller's to keep. */
  encodeFrame(packets: readonly Packet[]): Uint8Array {
    const b = this.builder;
    b.clear();
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

  private encodeAddress(b: Builder, address: Address): number {
    if (!address.kind) throw new ProtocolError(ErrorCode.InvalidArgument, 'address kind is empty');
    const kind = b.createSharedString(this.names.get(address.kind));
    const id = b.createString(encodeUtf8(address.id));
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
      this.verifier.verifyRoot(payload, tableLayouts.Batch);
      const bb = new ByteBuffer(payload);
      const batch = Batch.getRootAsBatch(bb, this.batch);
      const count = batch.packetsLength();
      if (count > this.limits.maxPacketsPerBatch) {
        throw tooLarge(`batch of ${count} packets exceeds ${this.limits.maxPacketsPerBatch}`);
      }
      const packets = new Array<Packet>(count);
      for (let i = 0; i < count; i++) packets[i] = this.decodeEnvelope(batch.packets(i, this.envelope)!);
      return { ok: true, value: packets };
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

  private decodeAddress(table: AddressTable): Address {
    const kind = readString(table, ADDRESS_KIND)!;
    const id = readString(table, ADDRESS_ID)!;
    const node = readString(table, ADDRESS_NODE);
    if (kind.length === 0) throw malformed('address kind is empty');
    return node ? { kind, id, node } : { kind, id };
  }

  private decodeEnvelope(envelope: Envelope): Packet {
    const target = this.decodeAddress(envelope.target(this.address)!);
    const senderTable = envelope.sender(this.address);
    const sender = senderTable ? this.decodeAddress(senderTable) : undefined;
    const type = readString(envelope, ENVELOPE_TYPE)!;
    if (type.length === 0) throw malformed('packet type is empty');
    const bodyLength = envelope.bodyLength();
    if (bodyLength > this.limits.maxBodyBytes) {
      throw tooLarge(`${type} body of ${bodyLength} bytes exceeds ${this.limits.maxBodyBytes}`);
    }
    return {
      target,
      sender,
      type,
      correlationId: envelope.correlationId(),
      flags: envelope.flags(),
      ttlMs: envelope.ttlMs(),
      body: bodyLength > 0 ? envelope.bodyArray()! : emptyBody,
    };
  }
}

/** The vtable offset of a field (4 + 2 × slot), taken from the layouts so it follows the schema. */
function vtableOffset(table: 'Address' | 'Envelope', field: string): number {
  const slot = tableLayouts[table].fields.find((f) => f.name === field)?.slot;
  if (slot === undefined) throw new Error(`${table}.${field} is not in the schema`);
  return 4 + 2 * slot;
}

const ADDRESS_KIND = vtableOffset('Address', 'kind');
const ADDRESS_ID = vtableOffset('Address', 'id');
const ADDRESS_NODE = vtableOffset('Address', 'node');
const ENVELOPE_TYPE = vtableOffset('Envelope', 'type');

/** Reads a verified string field straight from the buffer, avoiding a TextDecoder call per short name. */
function readString(table: { bb: ByteBuffer | null; bb_pos: number }, vtableOffset: number): string | null {
  const bb = table.bb!;
  const offset = bb.__offset(table.bb_pos, vtableOffset);
  if (offset === 0) return null;
  const start = bb.__indirect(table.bb_pos + offset);
  const length = bb.readInt32(start);
  return decodeUtf8(bb.bytes(), start + 4, start + 4 + length);
}

export function readFrameLength(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

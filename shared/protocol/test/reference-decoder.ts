import { ByteBuffer } from 'flatbuffers';
import { batchReaderLimits } from '../src/codec/batch-reader.js';
import { decodeUtf8 } from '../src/codec/utf8.js';
import type { Address as AddressTable } from '../src/generated/packet-flow/wire/address.js';
import { Batch } from '../src/generated/packet-flow/wire/batch.js';
import type { Envelope } from '../src/generated/packet-flow/wire/envelope.js';
import {
  type Address,
  type Decoded,
  defaultLimits,
  failure,
  type Limits,
  malformed,
  type Packet,
  tableLayouts,
  tooLarge,
  Verifier,
} from '../src/index.js';

const emptyBody = new Uint8Array(0);

/**
 * The decoder BatchCodec used before its specialised BatchReader: the generic, layout-driven Verifier over the whole
 * batch, then the generated accessors. It is kept here as the reference the reader is held to, check for check.
 */
export class ReferenceDecoder {
  private readonly limits: Readonly<Limits>;
  private readonly verifier: Verifier;

  constructor(limits: Partial<Limits> = {}) {
    this.limits = { ...defaultLimits, ...limits };
    const reader = batchReaderLimits(this.limits);
    this.verifier = new Verifier(
      { ...this.limits, maxStringBytes: reader.maxStringBytes, maxVectorLength: reader.maxVectorLength },
      tableLayouts,
    );
  }

  decodePayload(payload: Uint8Array): Decoded<Packet[]> {
    try {
      if (payload.length > this.limits.maxFrameBytes) {
        throw tooLarge(`frame of ${payload.length} bytes exceeds ${this.limits.maxFrameBytes}`);
      }
      this.verifier.verifyRoot(payload, tableLayouts.Batch);
      const batch = Batch.getRootAsBatch(new ByteBuffer(payload));
      const count = batch.packetsLength();
      if (count > this.limits.maxPacketsPerBatch) {
        throw tooLarge(`batch of ${count} packets exceeds ${this.limits.maxPacketsPerBatch}`);
      }
      const packets = new Array<Packet>(count);
      for (let i = 0; i < count; i++) packets[i] = this.decodeEnvelope(batch.packets(i)!);
      return { ok: true, value: packets };
    } catch (error) {
      return failure(error);
    }
  }

  private decodeAddress(table: AddressTable): Address {
    const kind = readString(table, 4)!;
    const id = readString(table, 6)!;
    const node = readString(table, 8);
    if (kind.length === 0) throw malformed('address kind is empty');
    return node ? { kind, id, node } : { kind, id };
  }

  private decodeEnvelope(envelope: Envelope): Packet {
    const target = this.decodeAddress(envelope.target()!);
    const senderTable = envelope.sender();
    const sender = senderTable ? this.decodeAddress(senderTable) : undefined;
    const type = readString(envelope, 8)!;
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

function readString(table: { bb: ByteBuffer | null; bb_pos: number }, vtableOffset: number): string | null {
  const bb = table.bb!;
  const offset = bb.__offset(table.bb_pos, vtableOffset);
  if (offset === 0) return null;
  const start = bb.__indirect(table.bb_pos + offset);
  const length = bb.readInt32(start);
  return decodeUtf8(bb.bytes(), start + 4, start + 4 + length);
}

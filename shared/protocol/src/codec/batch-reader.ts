import type { Address } from '../address.js';
import { tableLayouts } from '../generated/layouts.js';
import type { Limits } from './limits.js';
import { offsetTarget, readU16, readU32 } from './little-endian.js';
import type { Packet } from './packet.js';
import { malformed, type ProtocolError, tooLarge } from './protocol-error.js';
import { decodeUtf8 } from './utf8.js';

/** What the reader needs: the verifier's limits for a batch plus the codec's own. */
export interface BatchReaderLimits {
  /** Longest string anywhere in a batch (the envelope names), in UTF-8 bytes. */
  maxStringBytes: number;
  /** Most elements in the batch's vectors (packets, and bytes of a body) before the codec's own limits. */
  maxVectorLength: number;
  maxDepth: number;
  maxTables: number;
  maxPacketsPerBatch: number;
  maxBodyBytes: number;
}

const emptyBody = new Uint8Array(0);

/**
 * The limits a batch is verified with: the generic Verifier's, with envelope names as the strings and the larger of
 * the packet and body limits as the vectors (each is then checked on its own).
 */
export function batchReaderLimits(limits: Readonly<Limits>): BatchReaderLimits {
  return {
    maxStringBytes: limits.maxNameBytes,
    maxVectorLength: Math.max(limits.maxPacketsPerBatch, limits.maxBodyBytes),
    maxDepth: limits.maxDepth,
    maxTables: limits.maxTables,
    maxPacketsPerBatch: limits.maxPacketsPerBatch,
    maxBodyBytes: limits.maxBodyBytes,
  };
}

/** Direct-mapped caches: Address tables by position within one frame, and recurring names by content. */
const ADDRESS_SLOTS = 256;
const NAME_SLOTS = 1024;
const LONGEST_INTERNED = 32;

/**
 * Verifies and decodes a Batch in one pass, reading the bytes directly. It is the generic Verifier specialised to
 * Batch, Envelope and Address: it performs the same checks, in the same order, with the same messages, followed by
 * the same decoding checks as the reference decoder (`test/reference-decoder.ts`), which the differential fuzz test
 * (`test/batch-reader.test.ts`) holds it to. What it adds is only memory:
 *
 * - an Address table at a position already verified and decoded in this frame yields the same Address object; the
 *   visit still counts against the depth and table limits, as a shared sub-table does in the generic verifier;
 * - names (kinds, ids, node ids, types) that recur are returned as the same string instead of built anew.
 *
 * Decoding checks (empty names, the body and packet limits) come after verification in the reference, so a failure
 * there is remembered and thrown only once the whole batch has verified: the first error reported is the same.
 */
export class BatchReader {
  private bytes: Uint8Array = emptyBody;
  private end = 0;
  private tables = 0;
  /** The first failure of a decoding check, thrown once the whole batch has verified. */
  private deferred: ProtocolError | undefined;
  /** False once decoding has stopped (a deferred failure, too many packets): from there on only verification. */
  private decoding = true;
  /** Set by `table`: the vtable position and sizes of the table it checked. */
  private vtable = 0;
  private vtableSize = 0;
  private tableSize = 0;

  private frame = 0;
  private readonly addressFrame = new Int32Array(ADDRESS_SLOTS);
  private readonly addressPos = new Int32Array(ADDRESS_SLOTS);
  private readonly addressValue = new Array<Address | undefined>(ADDRESS_SLOTS).fill(undefined);
  private readonly names = new Array<string | undefined>(NAME_SLOTS).fill(undefined);
  private lastTypeAt = -1;
  private lastType = '';

  constructor(private readonly limits: Readonly<BatchReaderLimits>) {}

  /** Verifies and decodes a Batch; throws ProtocolError. Bodies are views into `bytes`. */
  read(bytes: Uint8Array): Packet[] {
    this.bytes = bytes;
    this.end = bytes.length;
    this.tables = 0;
    this.deferred = undefined;
    this.decoding = true;
    this.frame = (this.frame + 1) | 0;
    this.lastTypeAt = -1;
    try {
      return this.batch();
    } finally {
      this.bytes = emptyBody;
    }
  }

  private batch(): Packet[] {
    const limits = this.limits;
    if (this.end < 8) throw malformed(`buffer of ${this.end} bytes is too short for a FlatBuffer`);
    const root = offsetTarget(this.bytes, this.end, 0);
    this.enter(root, 'Batch', 1);
    this.table(root, 'Batch');
    const fieldOffset = this.fieldOffset(BATCH_PACKETS);
    if (fieldOffset === 0) throw malformed('Batch.packets is required but absent');
    if (fieldOffset < 4 || fieldOffset + 4 > this.tableSize) throw malformed('Batch.packets lies outside its table');
    const vector = offsetTarget(this.bytes, this.end, root + fieldOffset);
    const count = readU32(this.bytes, vector);
    if (count > limits.maxVectorLength) {
      throw tooLarge(`Batch.packets has ${count} elements, more than ${limits.maxVectorLength}`);
    }
    const first = vector + 4;
    if (first + count * 4 > this.end) throw malformed('Batch.packets runs past the end of the buffer');
    if (count > limits.maxPacketsPerBatch) this.decoding = false;
    const packets = new Array<Packet>(this.decoding ? count : 0);
    for (let i = 0; i < count; i++) {
      const packet = this.envelope(offsetTarget(this.bytes, this.end, first + 4 * i));
      if (packet !== undefined) packets[i] = packet;
    }
    if (count > limits.maxPacketsPerBatch) {
      throw tooLarge(`batch of ${count} packets exceeds ${limits.maxPacketsPerBatch}`);
    }
    if (this.deferred !== undefined) throw this.deferred;
    return packets;
  }

  private envelope(pos: number): Packet | undefined {
    const limits = this.limits;
    this.enter(pos, 'Envelope', 2);
    this.table(pos, 'Envelope');
    const vtable = this.vtable;
    const vtableSize = this.vtableSize;
    const tableSize = this.tableSize;

    let fieldOffset = this.fieldOffsetOf(vtable, vtableSize, ENVELOPE_TARGET);
    if (fieldOffset === 0) throw malformed('Envelope.target is required but absent');
    if (fieldOffset < 4 || fieldOffset + 4 > tableSize) throw malformed('Envelope.target lies outside its table');
    const target = this.address(offsetTarget(this.bytes, this.end, pos + fieldOffset));

    let sender: Address | undefined;
    fieldOffset = this.fieldOffsetOf(vtable, vtableSize, ENVELOPE_SENDER);
    if (fieldOffset !== 0) {
      if (fieldOffset < 4 || fieldOffset + 4 > tableSize) throw malformed('Envelope.sender lies outside its table');
      sender = this.address(offsetTarget(this.bytes, this.end, pos + fieldOffset));
    }

    fieldOffset = this.fieldOffsetOf(vtable, vtableSize, ENVELOPE_TYPE);
    if (fieldOffset === 0) throw malformed('Envelope.type is required but absent');
    if (fieldOffset < 4 || fieldOffset + 4 > tableSize) throw malformed('Envelope.type lies outside its table');
    const typeAt = offsetTarget(this.bytes, this.end, pos + fieldOffset);
    const typeLength = this.string(typeAt, 'Envelope.type');

    let correlationId = 0;
    fieldOffset = this.fieldOffsetOf(vtable, vtableSize, ENVELOPE_CORRELATION_ID);
    if (fieldOffset !== 0) {
      if (fieldOffset < 4 || fieldOffset + 4 > tableSize) {
        throw malformed('Envelope.correlation_id lies outside its table');
      }
      if ((pos + fieldOffset) % 4 !== 0) throw malformed('Envelope.correlation_id is misaligned');
      correlationId = readU32(this.bytes, pos + fieldOffset);
    }

    let flags = 0;
    fieldOffset = this.fieldOffsetOf(vtable, vtableSize, ENVELOPE_FLAGS);
    if (fieldOffset !== 0) {
      if (fieldOffset < 4 || fieldOffset + 2 > tableSize) throw malformed('Envelope.flags lies outside its table');
      if ((pos + fieldOffset) % 2 !== 0) throw malformed('Envelope.flags is misaligned');
      flags = readU16(this.bytes, pos + fieldOffset);
    }

    let ttlMs = 0;
    fieldOffset = this.fieldOffsetOf(vtable, vtableSize, ENVELOPE_TTL_MS);
    if (fieldOffset !== 0) {
      if (fieldOffset < 4 || fieldOffset + 4 > tableSize) throw malformed('Envelope.ttl_ms lies outside its table');
      if ((pos + fieldOffset) % 4 !== 0) throw malformed('Envelope.ttl_ms is misaligned');
      ttlMs = readU32(this.bytes, pos + fieldOffset);
    }

    let bodyStart = 0;
    let bodyLength = 0;
    fieldOffset = this.fieldOffsetOf(vtable, vtableSize, ENVELOPE_BODY);
    if (fieldOffset !== 0) {
      if (fieldOffset < 4 || fieldOffset + 4 > tableSize) throw malformed('Envelope.body lies outside its table');
      const vector = offsetTarget(this.bytes, this.end, pos + fieldOffset);
      bodyLength = readU32(this.bytes, vector);
      if (bodyLength > limits.maxVectorLength) {
        throw tooLarge(`Envelope.body has ${bodyLength} elements, more than ${limits.maxVectorLength}`);
      }
      bodyStart = vector + 4;
      if (bodyStart + bodyLength > this.end) throw malformed('Envelope.body runs past the end of the buffer');
    }

    if (!this.decoding) return undefined;
    let type: string;
    if (typeAt === this.lastTypeAt) {
      type = this.lastType;
    } else {
      type = this.text(typeAt + 4, typeLength);
      this.lastTypeAt = typeAt;
      this.lastType = type;
    }
    if (typeLength === 0) return this.defer(malformed('packet type is empty'));
    if (bodyLength > limits.maxBodyBytes) {
      return this.defer(tooLarge(`${type} body of ${bodyLength} bytes exceeds ${limits.maxBodyBytes}`));
    }
    const bytes = this.bytes;
    return {
      target: target!,
      sender,
      type,
      correlationId,
      flags,
      ttlMs,
      body: bodyLength > 0 ? new Uint8Array(bytes.buffer, bytes.byteOffset + bodyStart, bodyLength) : emptyBody,
    };
  }

  private address(pos: number): Address | undefined {
    this.enter(pos, 'Address', 3);
    const slot = (pos >>> 2) & (ADDRESS_SLOTS - 1);
    const decoding = this.decoding;
    // Verified and decoded before in this frame: the same bytes verify the same way and decode to the same value.
    if (decoding && this.addressFrame[slot] === this.frame && this.addressPos[slot] === pos) {
      return this.addressValue[slot];
    }
    this.table(pos, 'Address');
    const vtable = this.vtable;
    const vtableSize = this.vtableSize;
    const tableSize = this.tableSize;

    let fieldOffset = this.fieldOffsetOf(vtable, vtableSize, ADDRESS_KIND);
    if (fieldOffset === 0) throw malformed('Address.kind is required but absent');
    if (fieldOffset < 4 || fieldOffset + 4 > tableSize) throw malformed('Address.kind lies outside its table');
    const kindAt = offsetTarget(this.bytes, this.end, pos + fieldOffset);
    const kindLength = this.string(kindAt, 'Address.kind');

    fieldOffset = this.fieldOffsetOf(vtable, vtableSize, ADDRESS_ID);
    if (fieldOffset === 0) throw malformed('Address.id is required but absent');
    if (fieldOffset < 4 || fieldOffset + 4 > tableSize) throw malformed('Address.id lies outside its table');
    const idAt = offsetTarget(this.bytes, this.end, pos + fieldOffset);
    const idLength = this.string(idAt, 'Address.id');

    let nodeAt = 0;
    let nodeLength = 0;
    fieldOffset = this.fieldOffsetOf(vtable, vtableSize, ADDRESS_NODE);
    if (fieldOffset !== 0) {
      if (fieldOffset < 4 || fieldOffset + 4 > tableSize) throw malformed('Address.node lies outside its table');
      nodeAt = offsetTarget(this.bytes, this.end, pos + fieldOffset);
      nodeLength = this.string(nodeAt, 'Address.node');
    }

    if (!decoding) return undefined;
    if (kindLength === 0) return this.defer(malformed('address kind is empty'));
    const kind = this.text(kindAt + 4, kindLength);
    const id = this.text(idAt + 4, idLength);
    const address: Address = nodeLength > 0 ? { kind, id, node: this.text(nodeAt + 4, nodeLength) } : { kind, id };
    this.addressFrame[slot] = this.frame;
    this.addressPos[slot] = pos;
    this.addressValue[slot] = address;
    return address;
  }

  private defer(error: ProtocolError): undefined {
    this.deferred = error;
    this.decoding = false;
    return undefined;
  }

  /** The first checks of Verifier.table: nesting depth and the count of tables visited. */
  private enter(pos: number, name: string, depth: number): void {
    const limits = this.limits;
    if (depth > limits.maxDepth) throw tooLarge(`tables nest deeper than ${limits.maxDepth}`);
    if (++this.tables > limits.maxTables) throw tooLarge(`buffer holds more than ${limits.maxTables} tables`);
    if (pos % 4 !== 0) throw malformed(`${name} table at ${pos} is not 4-byte aligned`);
  }

  /** The rest of Verifier.table before its fields: the vtable and the table size. */
  private table(pos: number, name: string): void {
    const soffset = readU32(this.bytes, pos) | 0;
    const vtable = pos - soffset;
    if (vtable < 0 || vtable + 4 > this.end || vtable % 2 !== 0) {
      throw malformed(`${name} table at ${pos} has its vtable out of range`);
    }
    const vtableSize = readU16(this.bytes, vtable);
    const tableSize = readU16(this.bytes, vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0 || vtableSize >= 0x8000 || vtable + vtableSize > this.end) {
      throw malformed(`${name} table at ${pos} has a vtable of invalid size ${vtableSize}`);
    }
    if (tableSize < 4 || tableSize >= 0x8000 || pos + tableSize > this.end) {
      throw malformed(`${name} table at ${pos} has an invalid size ${tableSize}`);
    }
    this.vtable = vtable;
    this.vtableSize = vtableSize;
    this.tableSize = tableSize;
  }

  private fieldOffset(entry: number): number {
    return this.fieldOffsetOf(this.vtable, this.vtableSize, entry);
  }

  private fieldOffsetOf(vtable: number, vtableSize: number, entry: number): number {
    return entry + 2 <= vtableSize ? readU16(this.bytes, vtable + entry) : 0;
  }

  /** As Verifier.string, with the reader's string limit. */
  private string(target: number, what: string): number {
    const maxBytes = this.limits.maxStringBytes;
    if (target % 4 !== 0) throw malformed(`${what} string is not 4-byte aligned`);
    const length = readU32(this.bytes, target);
    if (length > maxBytes) throw tooLarge(`${what} is ${length} bytes long, more than ${maxBytes}`);
    if (target + 4 + length + 1 > this.end) throw malformed(`${what} runs past the end of the buffer`);
    if (this.bytes[target + 4 + length] !== 0) throw malformed(`${what} is not zero-terminated`);
    return length;
  }

  /** Decodes verified bytes [start, start + length), returning the same string for names that recur. */
  private text(start: number, length: number): string {
    const bytes = this.bytes;
    if (length > LONGEST_INTERNED) return decodeUtf8(bytes, start, start + length);
    let hash = length;
    for (let i = 0; i < length; i++) {
      const byte = bytes[start + i]!;
      if (byte >= 0x80) return decodeUtf8(bytes, start, start + length);
      hash = Math.imul(hash ^ byte, 0x01000193);
    }
    const slot = (hash ^ (hash >>> 16)) & (NAME_SLOTS - 1);
    const cached = this.names[slot];
    if (cached !== undefined && cached.length === length) {
      let i = 0;
      while (i < length && cached.charCodeAt(i) === bytes[start + i]) i++;
      if (i === length) return cached;
    }
    const text = decodeUtf8(bytes, start, start + length);
    this.names[slot] = text;
    return text;
  }
}

/**
 * The vtable entry (4 + 2 × slot) of each field the reader reads, checked against the schema when this module loads
 * so that a schema change cannot leave the reader behind silently.
 */
function entry(table: 'Address' | 'Envelope' | 'Batch', field: string, expected: Record<string, unknown>): number {
  const layout = tableLayouts[table].fields.find((f) => f.name === field);
  if (!layout) throw new Error(`${table}.${field} is not in the schema`);
  for (const [key, value] of Object.entries(expected)) {
    if ((layout as unknown as Record<string, unknown>)[key] !== value) {
      throw new Error(`BatchReader expects ${table}.${field}.${key} = ${String(value)}; regenerate or update it`);
    }
  }
  return 4 + 2 * layout.slot;
}

const BATCH_PACKETS = entry('Batch', 'packets', {
  required: true,
  kind: 'vector',
  element: 'table',
  table: 'Envelope',
});
const ENVELOPE_TARGET = entry('Envelope', 'target', { required: true, kind: 'table', table: 'Address' });
const ENVELOPE_SENDER = entry('Envelope', 'sender', { required: false, kind: 'table', table: 'Address' });
const ENVELOPE_TYPE = entry('Envelope', 'type', { required: true, kind: 'string' });
const ENVELOPE_CORRELATION_ID = entry('Envelope', 'correlation_id', { kind: 'scalar', size: 4, align: 4 });
const ENVELOPE_FLAGS = entry('Envelope', 'flags', { kind: 'scalar', size: 2, align: 2 });
const ENVELOPE_TTL_MS = entry('Envelope', 'ttl_ms', { kind: 'scalar', size: 4, align: 4 });
const ENVELOPE_BODY = entry('Envelope', 'body', { kind: 'vector', element: 'scalar', elementSize: 1, elementAlign: 1 });
const ADDRESS_KIND = entry('Address', 'kind', { required: true, kind: 'string' });
const ADDRESS_ID = entry('Address', 'id', { required: true, kind: 'string' });
const ADDRESS_NODE = entry('Address', 'node', { required: false, kind: 'string' });

// The reader checks fields in the generic verifier's order, which is the layouts' order, and must check them all.
for (const [table, names] of [
  ['Batch', ['packets']],
  ['Envelope', ['target', 'sender', 'type', 'correlation_id', 'flags', 'ttl_ms', 'body']],
  ['Address', ['kind', 'id', 'node']],
] as const) {
  if (tableLayouts[table].fields.map((f) => f.name).join() !== names.join()) {
    throw new Error(`BatchReader expects the fields of ${table} to be ${names.join(', ')}`);
  }
}

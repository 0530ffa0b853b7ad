import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Builder, ByteBuffer } from 'flatbuffers';
import { BatchCodec, type Decoded, type Limits, type Packet, PacketFlags, Wire } from '../src/index.js';
import { packet, Random } from './fixtures.js';
import { ReferenceDecoder } from './reference-decoder.js';

/**
 * BatchCodec decodes with BatchReader, a verifier specialised to Batch, Envelope and Address. These tests hold it to
 * the generic Verifier plus the generated accessors (ReferenceDecoder): on every input, both accept with equal
 * packets, or both refuse with the same code and message. The reference reads through bounds-checked accessors, so
 * a read past the end that the reader got away with would show up as a difference.
 */

class OutOfRangeRead extends Error {}
type Reader = (this: ByteBuffer, offset: number, ...rest: unknown[]) => unknown;
const proto = ByteBuffer.prototype as unknown as Record<string, Reader>;
const originals = new Map<string, Reader>();

function guardReads(): void {
  for (const [name, size] of [
    ['readInt8', 1],
    ['readUint8', 1],
    ['readInt16', 2],
    ['readUint16', 2],
    ['readInt32', 4],
    ['readUint32', 4],
  ] as const) {
    const original = proto[name]!;
    originals.set(name, original);
    proto[name] = function (this: ByteBuffer, offset: number, ...rest: unknown[]) {
      if (!(offset >= 0 && offset + size <= this.capacity())) throw new OutOfRangeRead(`${name}(${offset})`);
      return original.call(this, offset, ...rest);
    };
  }
}

function restoreReads(): void {
  for (const [name, original] of originals) proto[name] = original;
}

const configs: Array<Partial<Limits>> = [
  {},
  { maxDepth: 2 },
  { maxDepth: 3, maxTables: 12 },
  { maxTables: 5 },
  { maxPacketsPerBatch: 2 },
  { maxBodyBytes: 8 },
  { maxNameBytes: 5 },
  { maxPacketsPerBatch: 3, maxBodyBytes: 2, maxNameBytes: 9 },
];

const body = new Uint8Array([12, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
const room = { kind: 'room', id: 'r-1', node: 'gateway-1' };
const counter = { kind: 'counter', id: 'c-1' };

function seedFrames(): Uint8Array[] {
  const codec = new BatchCodec();
  const lists: Packet[][] = [
    [packet(body)],
    Array.from({ length: 6 }, (_, i) =>
      packet(new Uint8Array(0), { target: counter, sender: room, type: 'increment', correlationId: i }),
    ),
    Array.from({ length: 5 }, (_, i) =>
      packet(i % 2 ? body : new Uint8Array(0), {
        target: { kind: 'match', id: `m-${i % 2}` },
        sender: i === 3 ? undefined : room,
        type: i % 2 ? 'ClientInput' : 'Ping',
        flags: PacketFlags.Ask,
        ttlMs: 100 * i,
      }),
    ),
    [
      packet(body, { target: room, sender: counter, type: 'é-type', correlationId: 7, flags: 3, ttlMs: 9 }),
      packet(new Uint8Array(0), { target: counter, sender: room, type: 'x' }),
    ],
  ];
  return [
    ...lists.map((packets) => codec.encodeFrame(packets).slice(4)),
    rawBatch([
      ['match', 'a', 'ClientInput'],
      ['match', 'a', 'ClientInput'],
    ]),
    rawBatch([
      ['', 'a', 'T'],
      ['k', 'a', ''],
    ]),
    rawBatch([
      ['k', 'b', 'T'],
      ['k', 'b', ''],
      ['', 'a', 'T'],
    ]),
  ];
}

/** A batch written with the raw generated builders: no shared tables, and it accepts empty names. */
function rawBatch(envelopes: Array<[string, string, string]>): Uint8Array {
  const b = new Builder(256);
  const offsets = envelopes.map(([kind, id, type]) => {
    const target = Wire.Address.createAddress(b, b.createString(kind), b.createString(id), b.createString('n'));
    const typeOffset = b.createString(type);
    const bodyOffset = Wire.Envelope.createBodyVector(b, body);
    Wire.Envelope.startEnvelope(b);
    Wire.Envelope.addTarget(b, target);
    Wire.Envelope.addSender(b, target);
    Wire.Envelope.addType(b, typeOffset);
    Wire.Envelope.addFlags(b, 1);
    Wire.Envelope.addBody(b, bodyOffset);
    return Wire.Envelope.endEnvelope(b);
  });
  b.finish(Wire.Batch.createBatch(b, Wire.Batch.createPacketsVector(b, offsets)));
  return b.asUint8Array().slice();
}

function mutate(rng: Random, seed: Uint8Array): Uint8Array {
  let out = seed.slice();
  const edits = 1 + rng.below(3);
  for (let e = 0; e < edits; e++) {
    const at = out.length > 0 ? rng.below(out.length) : 0;
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const word = Math.min(at & ~3, Math.max(0, (out.length - 4) & ~3));
    switch (rng.below(8)) {
      case 0:
        out[at] = out[at]! ^ (1 << rng.below(8));
        break;
      case 1:
        out[at] = [0, 0xff, 0x7f, 0x80, 1, 2, 4][rng.below(7)]!;
        break;
      case 2:
        // An offset moved by a few words: often onto another table of the same kind, so tables become shared.
        if (out.length >= 4) view.setUint32(word, (view.getUint32(word, true) + 4 * (rng.below(9) - 4)) >>> 0, true);
        break;
      case 3:
        if (out.length >= 4) view.setUint32(word, [0, 0xffffffff, 0x80000000, out.length, 4][rng.below(5)]!, true);
        break;
      case 4:
        out = out.slice(0, at);
        break;
      case 5: {
        const grown = new Uint8Array(out.length + 1 + rng.below(16));
        grown.set(out);
        grown.set(rng.bytes(grown.length - out.length), out.length);
        out = grown;
        break;
      }
      case 6:
        // A small value into a vtable entry or length: fields move, vanish or grow.
        if (out.length >= 2) view.setUint16(at & ~1 && Math.min(at & ~1, out.length - 2), rng.below(40), true);
        break;
      default:
        if (out.length >= 4) view.setUint32(word, rng.below(out.length + 16), true);
    }
  }
  return out;
}

function sameOutcome(reader: Decoded<Packet[]>, reference: Decoded<Packet[]>, what: string): void {
  if (reference.ok) {
    assert.ok(
      reader.ok,
      `${what}: the reference accepts, the reader refuses: ${reader.ok ? '' : reader.error.message}`,
    );
    assert.deepEqual(reader.value, reference.value, what);
  } else {
    assert.ok(!reader.ok, `${what}: the reference refuses (${reference.error.message}), the reader accepts`);
    assert.equal(reader.error.message, reference.error.message, what);
    assert.equal(reader.error.code, reference.error.code, what);
  }
}

describe('BatchReader against the generic verifier', () => {
  before(guardReads);
  after(restoreReads);

  test('seed frames decode alike under every set of limits', () => {
    for (const limits of configs) {
      const reader = new BatchCodec(limits);
      const reference = new ReferenceDecoder(limits);
      for (const [i, seed] of seedFrames().entries()) {
        sameOutcome(reader.decodePayload(seed), reference.decodePayload(seed), `seed ${i}, ${JSON.stringify(limits)}`);
      }
    }
  });

  test('random and mutated frames decode alike, or fail alike, under every set of limits', () => {
    const seeds = seedFrames();
    const rng = new Random(0xd1ff5eed);
    for (const limits of configs) {
      const reader = new BatchCodec(limits);
      const reference = new ReferenceDecoder(limits);
      const tally = { accepted: 0, refused: 0, unverified: 0 };
      for (let i = 0; i < 60_000; i++) {
        const payload = i % 10 === 0 ? rng.bytes(rng.below(120)) : mutate(rng, seeds[i % seeds.length]!);
        const expected = reference.decodePayload(payload);
        sameOutcome(reader.decodePayload(payload), expected, `frame ${i}, ${JSON.stringify(limits)}`);
        if (expected.ok) tally.accepted++;
        else if (expected.error.message.startsWith('unverified input')) tally.unverified++;
        else tally.refused++;
      }
      assert.equal(tally.unverified, 0, JSON.stringify(limits));
      // Both sides are exercised: some frames verify under every set of limits (many under the defaults), most do not.
      const enough = Object.keys(limits).length === 0 ? 5000 : 20;
      assert.ok(
        tally.accepted > enough && tally.refused > 20_000,
        `${JSON.stringify(limits)}: ${JSON.stringify(tally)}`,
      );
    }
  });

  test('a shared Address table decodes to one object and counts as a table each time it is reached', () => {
    const packets = Array.from({ length: 4 }, () => packet(new Uint8Array(0), { target: counter, sender: room }));
    const frame = new BatchCodec().encodeFrame(packets).slice(4);
    const decoded = new BatchCodec().decodePayload(frame);
    assert.ok(decoded.ok);
    assert.equal(decoded.value[0]!.target, decoded.value[3]!.target);
    assert.equal(decoded.value[0]!.sender, decoded.value[3]!.sender);
    // 1 Batch + 4 × (Envelope + target + sender) = 13 table visits, though the frame holds only 7 tables.
    assert.ok(new BatchCodec({ maxTables: 13 }).decodePayload(frame).ok);
    const over = new BatchCodec({ maxTables: 12 }).decodePayload(frame);
    assert.ok(!over.ok);
    assert.match(over.error.message, /more than 12 tables/);
  });

  test('decoded addresses are not carried over from one frame to the next', () => {
    const codec = new BatchCodec();
    const first = codec.decodePayload(codec.encodeFrame([packet(body, { target: counter })]).slice(4));
    const second = codec.decodePayload(codec.encodeFrame([packet(body, { target: room })]).slice(4));
    assert.ok(first.ok && second.ok);
    assert.deepEqual(first.value[0]!.target, counter);
    assert.deepEqual(second.value[0]!.target, room);
  });
});

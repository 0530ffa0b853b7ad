import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ByteBuffer } from 'flatbuffers';
import {
  BatchCodec,
  createProtocolRegistry,
  FRAME_HEADER_BYTES,
  FrameReader,
  Game,
  type Packet,
  ProtocolError,
} from '../src/index.js';
import { clientInput, packet, Random, snapshot, stepRequest } from './fixtures.js';

const SEED = Number(process.env.PACKETFLOW_FUZZ_SEED ?? 0x5eed1234);
const RANDOM_FRAMES = 200_000;
const MUTATED_FRAMES = 900_000;

/**
 * Makes every read of the FlatBuffers runtime check its bounds, so that a read past the end of a buffer (which the
 * runtime would silently turn into `undefined`/0) throws and shows up as an unverified read in the results.
 */
class OutOfRangeRead extends Error {}
type Reader = (this: ByteBuffer, offset: number, ...rest: unknown[]) => unknown;
const guarded: Array<[string, number]> = [
  ['readInt8', 1],
  ['readUint8', 1],
  ['readInt16', 2],
  ['readUint16', 2],
  ['readInt32', 4],
  ['readUint32', 4],
  ['readInt64', 8],
  ['readUint64', 8],
  ['readFloat32', 4],
  ['readFloat64', 8],
];
const originals = new Map<string, Reader>();
const proto = ByteBuffer.prototype as unknown as Record<string, Reader>;

function guardReads(): void {
  for (const [name, size] of guarded) {
    const original = proto[name]!;
    originals.set(name, original);
    proto[name] = function (this: ByteBuffer, offset: number, ...rest: unknown[]) {
      if (!(offset >= 0 && offset + size <= this.capacity())) throw new OutOfRangeRead(`${name}(${offset})`);
      return original.call(this, offset, ...rest);
    };
  }
  const string = proto.__string!;
  originals.set('__string', string);
  proto.__string = function (this: ByteBuffer, offset: number, ...rest: unknown[]) {
    const start = offset + this.readInt32(offset);
    const length = this.readInt32(start);
    if (length < 0 || start + 4 + length > this.capacity()) throw new OutOfRangeRead(`__string(${offset})`);
    return string.call(this, offset, ...rest);
  };
}

function restoreReads(): void {
  for (const [name, original] of originals) proto[name] = original;
}

const registry = createProtocolRegistry();
const codec = new BatchCodec();

function seedFrames(): Uint8Array[] {
  const body = (type: string, value: unknown) => registry.encode({ type, body: value });
  const input = body('ClientInput', clientInput());
  const snap = body('Snapshot', snapshot(8));
  const step = body('PhysicsStepRequest', stepRequest());
  const inventory = body('Inventory', new Game.InventoryT('p-1', [new Game.ItemStackT('sword', 1)]));
  const seeds: Packet[][] = [
    [packet(input)],
    [packet(snap, { type: 'Snapshot', target: { kind: 'room', id: 'r-1', node: 'gw-1' } })],
    [packet(step, { type: 'PhysicsStepRequest', correlationId: 77, flags: 4, ttlMs: 250 })],
    [
      packet(inventory, { type: 'Inventory', sender: undefined }),
      packet(input),
      packet(new Uint8Array(0), { type: 'x' }),
    ],
  ];
  return seeds.map((packets) => codec.encodeFrame(packets));
}

function mutate(rng: Random, seed: Uint8Array): Uint8Array {
  let out = seed.slice(FRAME_HEADER_BYTES);
  const edits = 1 + rng.below(4);
  for (let e = 0; e < edits; e++) {
    const at = out.length > 0 ? rng.below(out.length) : 0;
    switch (rng.below(7)) {
      case 0:
        out[at] = out[at]! ^ (1 << rng.below(8));
        break;
      case 1:
        out[at] = [0, 0xff, 0x7f, 0x80, 1][rng.below(5)]!;
        break;
      case 2: {
        const word = [0, 0xffffffff, 0x7fffffff, 0x80000000, out.length, out.length - 4, 4][rng.below(7)]!;
        writeWord(out, at, word);
        break;
      }
      case 3:
        out = out.slice(0, at);
        break;
      case 4: {
        const grown = new Uint8Array(out.length + 1 + rng.below(16));
        grown.set(out);
        grown.set(rng.bytes(grown.length - out.length), out.length);
        out = grown;
        break;
      }
      case 5: {
        const from = rng.below(Math.max(1, out.length));
        const length = Math.min(rng.below(16), out.length - from, out.length - at);
        out.copyWithin(at, from, from + Math.max(0, length));
        break;
      }
      default:
        writeWord(out, at, rng.below(out.length + 64));
    }
  }
  return out;
}

/** Overwrites the aligned 32-bit word nearest `at`, where offsets and lengths live. */
function writeWord(out: Uint8Array, at: number, word: number): void {
  if (out.length < 4) return;
  const aligned = Math.min(at & ~3, (out.length - 4) & ~3);
  new DataView(out.buffer, out.byteOffset).setUint32(aligned, word >>> 0, true);
}

interface Tally {
  accepted: number;
  refused: number;
  unverified: string[];
  bodiesAccepted: number;
}

function check(payload: Uint8Array, tally: Tally): void {
  const decoded = codec.decodePayload(payload);
  if (!decoded.ok) {
    assert.ok(decoded.error instanceof ProtocolError);
    if (decoded.error.message.startsWith('unverified input')) tally.unverified.push(decoded.error.message);
    tally.refused++;
    return;
  }
  tally.accepted++;
  for (const p of decoded.value) {
    assert.equal(typeof p.target.kind, 'string');
    assert.equal(typeof p.target.id, 'string');
    const body = registry.decode(p.type, p.body);
    if (body.ok) tally.bodiesAccepted++;
    else if (body.error.message.startsWith('unverified input')) tally.unverified.push(body.error.message);
  }
}

describe('fuzzing the codec with hostile frames', () => {
  before(guardReads);
  after(restoreReads);

  test(`${RANDOM_FRAMES + MUTATED_FRAMES} random and mutated frames give values or typed errors, never unverified reads`, () => {
    const rng = new Random(SEED);
    const seeds = seedFrames();
    const tally: Tally = { accepted: 0, refused: 0, unverified: [], bodiesAccepted: 0 };
    for (let i = 0; i < RANDOM_FRAMES; i++) check(rng.bytes(rng.below(200)), tally);
    for (let i = 0; i < MUTATED_FRAMES; i++) check(mutate(rng, seeds[i % seeds.length]!), tally);
    assert.deepEqual(tally.unverified.slice(0, 5), [], `seed ${SEED}: reads escaped the verifier`);
    assert.equal(tally.accepted + tally.refused, RANDOM_FRAMES + MUTATED_FRAMES);
    // Mutations must exercise both sides: some frames and bodies still verify, most do not.
    assert.ok(tally.accepted > 10_000, `only ${tally.accepted} mutated frames were accepted`);
    assert.ok(tally.refused > 100_000, `only ${tally.refused} frames were refused`);
    assert.ok(tally.bodiesAccepted > 10_000, `only ${tally.bodiesAccepted} bodies decoded`);
  });

  test('mutated message bodies alone give values or typed errors', () => {
    const rng = new Random(SEED ^ 0xabcdef);
    const bodies: Array<[string, Uint8Array]> = [
      ['ClientInput', registry.encode({ type: 'ClientInput', body: clientInput() })],
      ['Snapshot', registry.encode({ type: 'Snapshot', body: snapshot(4) })],
      ['PhysicsStepRequest', registry.encode({ type: 'PhysicsStepRequest', body: stepRequest() })],
    ];
    let unverified = 0;
    for (let i = 0; i < 200_000; i++) {
      const [type, body] = bodies[i % bodies.length]!;
      const framed = new Uint8Array(body.length + FRAME_HEADER_BYTES);
      framed.set(body, FRAME_HEADER_BYTES);
      const result = registry.decode(type, mutate(rng, framed));
      if (!result.ok && result.error.message.startsWith('unverified input')) unverified++;
    }
    assert.equal(unverified, 0);
  });

  test('a stream of mutated frames in random chunks never grows the reader past its limit', () => {
    const rng = new Random(SEED ^ 0x1234);
    const seeds = seedFrames();
    let frames = 0;
    let failures = 0;
    for (let round = 0; round < 2000; round++) {
      const reader = new FrameReader(4096);
      const stream = rng.below(2) ? seeds[round % seeds.length]! : mutate(rng, seeds[round % seeds.length]!);
      for (let at = 0; at < stream.length; ) {
        const size = 1 + rng.below(64);
        const error = reader.push(stream.subarray(at, at + size), (payload) => {
          frames++;
          codec.decodePayload(payload);
        });
        at += size;
        assert.ok(reader.bufferedBytes <= 4096 + FRAME_HEADER_BYTES);
        if (error) {
          failures++;
          break;
        }
      }
    }
    assert.ok(frames > 500 && failures > 100, `${frames} frames, ${failures} refused streams`);
  });
});

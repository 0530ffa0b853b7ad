import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BatchCodec, ErrorCode, FrameReader } from '../src/index.js';
import { packet } from './fixtures.js';

const codec = new BatchCodec();
const frames = [1, 2, 3].map((n) => codec.encodeFrame([packet(new Uint8Array(n * 10).fill(n))]));
const stream = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
frames.reduce((at, f) => {
  stream.set(f, at);
  return at + f.length;
}, 0);

function collect(reader: FrameReader, chunks: Uint8Array[]): number[][] {
  const bodies: number[][] = [];
  for (const chunk of chunks) {
    const error = reader.push(chunk, (payload) => {
      const decoded = codec.decodePayload(payload);
      assert.ok(decoded.ok);
      bodies.push([...decoded.value[0]!.body]);
    });
    assert.equal(error, undefined);
  }
  return bodies;
}

describe('FrameReader', () => {
  test('cuts frames out of one chunk holding several', () => {
    const bodies = collect(new FrameReader(), [stream]);
    assert.deepEqual(
      bodies.map((b) => b.length),
      [10, 20, 30],
    );
  });

  test('reassembles frames delivered one byte at a time', () => {
    const reader = new FrameReader();
    const bodies = collect(
      reader,
      [...stream].map((byte) => new Uint8Array([byte])),
    );
    assert.deepEqual(
      bodies.map((b) => b[0]),
      [1, 2, 3],
    );
    assert.equal(reader.bufferedBytes, 0);
  });

  test('holds a partial frame until the rest arrives', () => {
    const reader = new FrameReader();
    const cut = frames[0]!.length + 5;
    assert.equal(collect(reader, [stream.subarray(0, cut)]).length, 1);
    assert.equal(reader.bufferedBytes, 5);
    assert.equal(collect(reader, [stream.subarray(cut)]).length, 2);
  });

  test('refuses an announced length above the limit before buffering it, and stays failed', () => {
    const reader = new FrameReader(1024);
    const header = new Uint8Array([0x01, 0x10, 0x00, 0x00]);
    const error = reader.push(header, () => assert.fail('no frame expected'));
    assert.equal(error?.code, ErrorCode.TooLarge);
    assert.equal(reader.bufferedBytes, 0);
    assert.equal(
      reader.push(frames[0]!, () => assert.fail('no frame after failure')),
      error,
    );
  });

  test('refuses an announced length too short for a batch', () => {
    const error = new FrameReader().push(new Uint8Array([2, 0, 0, 0, 0, 0]), () => assert.fail('no frame expected'));
    assert.equal(error?.code, ErrorCode.MalformedPacket);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Builder } from 'flatbuffers';
import { BatchCodec, createProtocolRegistry, ErrorCode, PacketFlags, Wire } from '../src/index.js';
import { clientInput, packet } from './fixtures.js';

const registry = createProtocolRegistry();
const inputBody = registry.encode({ type: 'ClientInput', body: clientInput() });

describe('BatchCodec', () => {
  test('round-trips a batch of packets with every envelope field', () => {
    const codec = new BatchCodec();
    const packets = [
      packet(inputBody),
      packet(new Uint8Array(0), {
        target: { kind: 'room', id: 'r-9', node: 'gateway-2' },
        sender: undefined,
        type: 'Ping',
        correlationId: 0xfffffffe,
        flags: PacketFlags.Ask | PacketFlags.Reply,
        ttlMs: 1500,
      }),
    ];
    const decoded = codec.decodeFrame(codec.encodeFrame(packets));
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
    assert.equal(decoded.value.length, 2);
    assert.deepEqual(decoded.value[0]!.target, { kind: 'match', id: 'm-1' });
    assert.deepEqual(decoded.value[0]!.sender, { kind: 'room', id: 'r-1', node: 'gateway-1' });
    assert.deepEqual([...decoded.value[0]!.body], [...inputBody]);
    const second = decoded.value[1]!;
    assert.deepEqual(second.target, { kind: 'room', id: 'r-9', node: 'gateway-2' });
    assert.equal(second.sender, undefined);
    assert.equal(second.type, 'Ping');
    assert.equal(second.correlationId, 0xfffffffe);
    assert.equal(second.flags, PacketFlags.Ask | PacketFlags.Reply);
    assert.equal(second.ttlMs, 1500);
    assert.equal(second.body.length, 0);
  });

  test('decoded bodies are views into the frame, not copies', () => {
    const codec = new BatchCodec();
    const frame = codec.encodeFrame([packet(inputBody)]);
    const decoded = codec.decodeFrame(frame);
    assert.ok(decoded.ok);
    assert.equal(decoded.value[0]!.body.buffer, frame.buffer);
  });

  test('the frame length prefix is the little-endian size of the batch', () => {
    const frame = new BatchCodec().encodeFrame([packet(inputBody)]);
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    assert.equal(view.getUint32(0, true), frame.length - 4);
  });

  test('refuses a batch with more packets than the limit', () => {
    const many = Array.from({ length: 11 }, () => packet(inputBody));
    const frame = new BatchCodec().encodeFrame(many);
    const decoded = new BatchCodec({ maxPacketsPerBatch: 10 }).decodeFrame(frame);
    assert.ok(!decoded.ok);
    assert.equal(decoded.error.code, ErrorCode.TooLarge);
  });

  test('refuses bodies, names and frames above their limits', () => {
    const big = new BatchCodec().encodeFrame([packet(new Uint8Array(2000))]);
    const small = new BatchCodec({ maxBodyBytes: 1000 });
    const body = small.decodeFrame(big);
    assert.ok(!body.ok);
    assert.equal(body.error.code, ErrorCode.TooLarge);

    const longName = new BatchCodec().encodeFrame([
      packet(inputBody, { target: { kind: 'match', id: 'x'.repeat(300) } }),
    ]);
    const name = new BatchCodec().decodeFrame(longName);
    assert.ok(!name.ok);
    assert.equal(name.error.code, ErrorCode.TooLarge);
    assert.match(name.error.message, /Address\.id/);

    const frame = new BatchCodec({ maxFrameBytes: 100 }).decodeFrame(big);
    assert.ok(!frame.ok);
    assert.equal(frame.error.code, ErrorCode.TooLarge);

    assert.throws(() => small.encodeFrame([packet(new Uint8Array(2000))]), { name: 'ProtocolError' });
  });

  test('refuses to encode, and refuses to decode, an empty kind or type', () => {
    const codec = new BatchCodec();
    assert.throws(() => codec.encodeFrame([packet(inputBody, { target: { kind: '', id: 'a' } })]), /kind is empty/);
    assert.throws(() => codec.encodeFrame([packet(inputBody, { type: '' })]), /type is empty/);
    for (const [kind, type, expected] of [
      ['', 'ClientInput', /kind is empty/],
      ['match', '', /type is empty/],
    ] as const) {
      const decoded = codec.decodePayload(rawBatch(kind, type));
      assert.ok(!decoded.ok);
      assert.equal(decoded.error.code, ErrorCode.MalformedPacket);
      assert.match(decoded.error.message, expected);
    }
  });

  test('a truncated frame, a wrong length prefix and garbage are typed errors', () => {
    const codec = new BatchCodec();
    const frame = codec.encodeFrame([packet(inputBody)]);
    for (const bad of [
      frame.subarray(0, 3),
      frame.subarray(0, frame.length - 1),
      new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]),
    ]) {
      const decoded = codec.decodeFrame(bad);
      assert.ok(!decoded.ok);
      assert.equal(decoded.error.code, ErrorCode.MalformedPacket);
    }
  });

  test('a missing required field is refused', () => {
    const codec = new BatchCodec();
    const frame = codec.encodeFrame([packet(inputBody)]);
    const payload = frame.slice(4);
    // Point the root at a table whose vtable says it has no fields: the Batch's required `packets` is absent.
    const forged = new Uint8Array([8, 0, 0, 0, 4, 0, 4, 0, 4, 0, 0, 0]);
    const decoded = codec.decodePayload(forged);
    assert.ok(!decoded.ok);
    assert.match(decoded.error.message, /Batch\.packets is required/);
    assert.ok(codec.decodePayload(payload).ok);
  });
});

/** A one-packet batch built with the raw generated builders, which accept what BatchCodec refuses to write. */
function rawBatch(kind: string, type: string): Uint8Array {
  const b = new Builder(256);
  const kindOffset = b.createString(kind);
  const idOffset = b.createString('a');
  const target = Wire.Address.createAddress(b, kindOffset, idOffset, 0);
  const typeOffset = b.createString(type);
  Wire.Envelope.startEnvelope(b);
  Wire.Envelope.addTarget(b, target);
  Wire.Envelope.addType(b, typeOffset);
  const envelope = Wire.Envelope.endEnvelope(b);
  const batch = Wire.Batch.createBatch(b, Wire.Batch.createPacketsVector(b, [envelope]));
  b.finish(batch);
  return b.asUint8Array().slice();
}

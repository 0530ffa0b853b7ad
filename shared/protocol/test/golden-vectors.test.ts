import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BatchCodec, createProtocolRegistry, type Member, RendezvousRouter } from '../src/index.js';
import { ReferenceDecoder } from './reference-decoder.js';

const protocolMd = readFileSync(join(import.meta.dirname, '..', '..', 'PROTOCOL.md'), 'utf8');
const vectorPattern = /### Vector `([^`]+)`\s+```hex\n([\s\S]*?)```\s+```json\n([\s\S]*?)```/g;
const vectors = [...protocolMd.matchAll(vectorPattern)].map(([, name, hex, json]) => ({
  name: name!,
  bytes: Uint8Array.from(hex!.trim().split(/\s+/), (h) => Number.parseInt(h, 16)),
  expected: JSON.parse(json!) as { frame: unknown[] },
}));

const decodeOnlyPattern = /### Vector \(decode only\) `([^`]+)`[\s\S]*?```hex\n([\s\S]*?)```\s+```json\n([\s\S]*?)```/g;
const decodeOnly = [...protocolMd.matchAll(decodeOnlyPattern)].map(([, name, hex, json]) => ({
  name: name!,
  bytes: Uint8Array.from(hex!.trim().split(/\s+/), (h) => Number.parseInt(h, 16)),
  expected: JSON.parse(json!) as { frame: unknown[] },
}));

const registry = createProtocolRegistry();
const codec = new BatchCodec();

describe('PROTOCOL.md golden vectors', () => {
  test('the page holds the vectors', () => {
    assert.deepEqual(
      vectors.map((v) => v.name),
      ['client-input-frame', 'ask-and-error-reply-frame', 'snapshot-frame'],
    );
  });

  for (const vector of vectors) {
    test(`${vector.name} decodes to the values given and re-encodes byte for byte`, () => {
      const { decoded, messages } = decodeVector(vector);

      const reencoded = codec.encodeFrame(
        decoded.value.map((p, i) => ({ ...p, body: messages[i] ? registry.encode(messages[i]) : new Uint8Array(0) })),
      );
      assert.deepEqual([...reencoded], [...vector.bytes]);
    });
  }

  test('the page holds the decode-only vectors, layouts other encoders may write', () => {
    assert.deepEqual(
      decodeOnly.map((v) => v.name),
      ['snapshot-frame-without-scores', 'ask-and-error-reply-frame-unshared'],
    );
  });

  for (const vector of decodeOnly) {
    test(`${vector.name} (decode only) decodes to the values given`, () => {
      decodeVector(vector);
      // A layout is decode-only because this encoder writes the same values differently.
      const same = vectors.find((v) => JSON.stringify(v.expected) === JSON.stringify(vector.expected));
      assert.ok(same, 'a written vector holds the same values');
      assert.notDeepEqual([...same.bytes], [...vector.bytes]);
    });
  }

  test('the routing example of section 6 holds', () => {
    const members: Member[] = ['node-a', 'node-b', 'node-c'].map((id) => ({ id, roles: ['match'] }));
    const router = new RendezvousRouter(members);
    const owners = ['m-1', 'm-2', 'm-3', 'm-4', 'm-5', 'm-6'].map((id) => router.owner('match', id)!.id);
    const documented = /the owners of\s+`m-1` … `m-6` are ([^.]+)\./.exec(protocolMd.replace(/\n/g, ' '))?.[1];
    assert.ok(documented, 'PROTOCOL.md states the routing example');
    assert.deepEqual(owners, documented.replace(/`/g, '').split(/,\s*/));
  });
});

/** Decodes a vector's frame and bodies and checks them against its JSON. */
function decodeVector(vector: (typeof vectors)[number]) {
  const decoded = codec.decodeFrame(vector.bytes);
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
  // The generic verifier and accessors read every layout on the page the same way.
  assert.deepEqual(new ReferenceDecoder().decodePayload(vector.bytes.subarray(4)), decoded);
  const messages = decoded.value.map((p) => {
    if (p.body.length === 0) return null;
    const body = registry.decode(p.type, p.body);
    assert.ok(body.ok, body.ok ? '' : body.error.message);
    return body.value;
  });
  const asJson = decoded.value.map((p, i) => ({ ...p, body: messages[i]?.body ?? null }));
  assert.deepEqual(JSON.parse(JSON.stringify({ frame: asJson })), vector.expected);
  return { decoded, messages };
}

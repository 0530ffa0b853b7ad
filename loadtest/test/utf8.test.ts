// The UTF-8 codec the k6 bundles carry, against the platform's TextEncoder and TextDecoder.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDecoder as BundledDecoder, TextEncoder as BundledEncoder } from '../src/codec/utf8.js';

const texts = ['', 'match', 'joined', 'café', 'Ωmega', '日本語', 'emoji 🎮 ok', 'lone \ud800 surrogate', '\udc00x'];
const malformed = [
  [0xff],
  [0xc0, 0x80],
  [0xe0, 0x80, 0x80],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0x61, 0xf0, 0x9f, 0x8e],
  [0xc3, 0x28],
];

describe('bundled UTF-8 codec', () => {
  it('encodes as the platform TextEncoder does', () => {
    for (const text of texts) assert.deepEqual(new BundledEncoder().encode(text), new TextEncoder().encode(text));
  });

  it('decodes valid and malformed bytes as the platform TextDecoder does', () => {
    for (const text of texts) {
      const bytes = new TextEncoder().encode(text);
      assert.equal(new BundledDecoder().decode(bytes), new TextDecoder().decode(bytes));
    }
    for (const bytes of malformed) {
      const input = Uint8Array.from(bytes);
      assert.equal(new BundledDecoder().decode(input), new TextDecoder().decode(input), `bytes ${bytes}`);
    }
  });

  it('takes ArrayBuffers and views, and only UTF-8', () => {
    const bytes = new TextEncoder().encode('xyz');
    assert.equal(new BundledDecoder().decode(bytes.buffer), 'xyz');
    assert.equal(new BundledDecoder('utf8').decode(new DataView(bytes.buffer, 1)), 'yz');
    assert.throws(() => new BundledDecoder('latin1'), RangeError);
  });
});

/**
 * UTF-8 for the short names every envelope carries (kinds, ids, node ids, message types). Node's TextEncoder costs
 * about a microsecond a call for strings this short, more than the rest of encoding a packet, so ASCII (the
 * common case) is converted here and anything else falls back to the platform.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');
const LONG = 64;

export function encodeUtf8(text: string): Uint8Array {
  const length = text.length;
  if (length > LONG) return encoder.encode(text);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return encoder.encode(text);
    out[i] = code;
  }
  return out;
}

/** Decodes bytes[start, end), which the verifier has already bounded. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > LONG) return decoder.decode(bytes.subarray(start, end));
  let text = '';
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte >= 0x80) return decoder.decode(bytes.subarray(start, end));
    text += String.fromCharCode(byte);
  }
  return text;
}

/**
 * Encoded forms of names that recur (kinds, node ids, message types), so each is encoded once. Bounded: when full
 * it starts over, which costs a re-encode and nothing else.
 */
export class Utf8Cache {
  private readonly entries = new Map<string, Uint8Array>();

  constructor(private readonly capacity = 4096) {}

  get(text: string): Uint8Array {
    let bytes = this.entries.get(text);
    if (bytes === undefined) {
      if (this.entries.size >= this.capacity) this.entries.clear();
      bytes = encodeUtf8(text);
      this.entries.set(text, bytes);
    }
    return bytes;
  }
}

// The msgpack-like number and string encoding Colyseus frames use for message types and error fields
// (@colyseus/schema encode.number / encode.string and their decoders, as of schema 5.0).
import { decodeUtf8, encodeUtf8 } from '../codec/utf8.js';

/** A position in a frame being read. */
export interface Cursor {
  offset: number;
}

export class FrameError extends Error {
  override readonly name = 'FrameError';
}

function need(bytes: Uint8Array, at: Cursor, count: number): void {
  if (at.offset + count > bytes.length) {
    throw new FrameError(`frame ends at byte ${bytes.length}, ${count} more needed at ${at.offset}`);
  }
}

function uint(bytes: Uint8Array, at: Cursor, size: 1 | 2 | 4): number {
  need(bytes, at, size);
  let value = 0;
  for (let i = size - 1; i >= 0; i--) value = value * 256 + bytes[at.offset + i]!;
  at.offset += size;
  return value;
}

function int(bytes: Uint8Array, at: Cursor, size: 1 | 2 | 4): number {
  const value = uint(bytes, at, size);
  const limit = 2 ** (8 * size - 1);
  return value >= limit ? value - 2 * limit : value;
}

function float(bytes: Uint8Array, at: Cursor, size: 4 | 8): number {
  need(bytes, at, size);
  const view = new DataView(bytes.buffer, bytes.byteOffset + at.offset, size);
  at.offset += size;
  return size === 4 ? view.getFloat32(0, true) : view.getFloat64(0, true);
}

/** True when the value at the cursor is a string (Colyseus' `stringCheck`, which does not count an empty fixstr). */
export function isString(bytes: Uint8Array, at: Cursor): boolean {
  const prefix = bytes[at.offset];
  if (prefix === undefined) return false;
  return (prefix > 0xa0 && prefix < 0xc0) || prefix === 0xd9 || prefix === 0xda || prefix === 0xdb;
}

export function readString(bytes: Uint8Array, at: Cursor): string {
  const prefix = uint(bytes, at, 1);
  let length: number;
  if (prefix >= 0xa0 && prefix < 0xc0) length = prefix & 0x1f;
  else if (prefix === 0xd9) length = uint(bytes, at, 1);
  else if (prefix === 0xda) length = uint(bytes, at, 2);
  else if (prefix === 0xdb) length = uint(bytes, at, 4);
  else throw new FrameError(`no string at byte ${at.offset - 1} (prefix 0x${prefix.toString(16)})`);
  need(bytes, at, length);
  const text = decodeUtf8(bytes, at.offset, at.offset + length);
  at.offset += length;
  return text;
}

export function readNumber(bytes: Uint8Array, at: Cursor): number {
  const prefix = uint(bytes, at, 1);
  if (prefix < 0x80) return prefix;
  if (prefix > 0xdf) return prefix - 0x100;
  switch (prefix) {
    case 0xca:
      return float(bytes, at, 4);
    case 0xcb:
      return float(bytes, at, 8);
    case 0xcc:
      return uint(bytes, at, 1);
    case 0xcd:
      return uint(bytes, at, 2);
    case 0xce:
      return uint(bytes, at, 4);
    case 0xcf:
      return uint(bytes, at, 4) + uint(bytes, at, 4) * 2 ** 32;
    case 0xd0:
      return int(bytes, at, 1);
    case 0xd1:
      return int(bytes, at, 2);
    case 0xd2:
      return int(bytes, at, 4);
    case 0xd3:
      return uint(bytes, at, 4) + int(bytes, at, 4) * 2 ** 32;
    default:
      throw new FrameError(`no number at byte ${at.offset - 1} (prefix 0x${prefix.toString(16)})`);
  }
}

/** A string as Colyseus encodes it: a fixstr, str8, str16 or str32 header, then the UTF-8 bytes. */
export function stringBytes(text: string): Uint8Array {
  const utf8 = encodeUtf8(text);
  const n = utf8.length;
  const header =
    n < 0x20
      ? [0xa0 | n]
      : n < 0x100
        ? [0xd9, n]
        : n < 0x10000
          ? [0xda, n & 0xff, n >> 8]
          : [0xdb, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
  const out = new Uint8Array(header.length + n);
  out.set(header);
  out.set(utf8, header.length);
  return out;
}

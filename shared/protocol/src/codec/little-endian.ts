import { malformed } from './protocol-error.js';

/** Reads of FlatBuffers' little-endian integers straight from bytes whose bounds the caller has checked. */
export function readU16(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}

export function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/**
 * Follows the unsigned offset stored at `at` in bytes[0, end) and returns where it points, checked to be aligned,
 * non-zero, below 2^31 (JavaScript readers add it signed) and to leave room for 4 bytes at its target.
 */
export function offsetTarget(bytes: Uint8Array, end: number, at: number): number {
  if (at % 4 !== 0) throw malformed(`offset at ${at} is not 4-byte aligned`);
  if (at + 4 > end) throw malformed(`offset at ${at} lies past the end of the buffer`);
  const offset = readU32(bytes, at);
  if (offset === 0 || offset >= 0x80000000) throw malformed(`offset ${offset} at ${at} is out of range`);
  const target = at + offset;
  if (target + 4 > end) throw malformed(`offset at ${at} points past the end of the buffer`);
  return target;
}

/**
 * Gives encoded frames and bodies memory of their own without a fresh ArrayBuffer each: V8 backs any typed array
 * over 64 bytes with a separate allocation plus GC bookkeeping, which costs microseconds, more than encoding the
 * packet. Small copies are carved out of a shared slab instead, as Node's Buffer pool does (and this works in
 * browsers too). A copy keeps its slab alive as long as the copy lives.
 */
const SLAB_BYTES = 64 * 1024;
const LARGEST_CARVED = 4096;

let slab = new Uint8Array(SLAB_BYTES);
let used = 0;

export function copyOut(bytes: Uint8Array): Uint8Array {
  const length = bytes.length;
  if (length > LARGEST_CARVED) return bytes.slice();
  if (used + length > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    used = 0;
  }
  const out = slab.subarray(used, used + length);
  out.set(bytes);
  used += (length + 7) & ~7;
  return out;
}

// What timing an input from its arrival to the snapshot that acknowledges it needs: the arrival times of a client's
// inputs not acknowledged yet, in a small fixed ring, and the acks of a snapshot read straight from its FlatBuffer
// bytes (a passed-through snapshot is never unpacked on the gateway), without allocating.
import type { Observer } from './bucket-histogram.js';

/**
 * Inputs a client has pending: accepted at most this many ahead of the match's acknowledgement (about half a second
 * of inputs at the default limit of 60 a second).
 */
export const PENDING_INPUTS = 32;

/**
 * The sequence numbers and arrival times (performance.now()) of one client's accepted inputs that no snapshot sent to
 * it has acknowledged yet, oldest first. Sequence numbers of accepted inputs only increase, so an ack settles a prefix.
 * When full, newer inputs go untimed until acks make room: the oldest are kept, the ones a stall delays most.
 */
export class PendingInputs {
  private readonly sequences = new Float64Array(PENDING_INPUTS);
  private readonly arrivals = new Float64Array(PENDING_INPUTS);
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** An input accepted with `sequence` that arrived at `at`. */
  add(sequence: number, at: number): void {
    if (this.count === PENDING_INPUTS) return;
    const slot = (this.head + this.count) % PENDING_INPUTS;
    this.sequences[slot] = sequence;
    this.arrivals[slot] = at;
    this.count++;
  }

  /** A snapshot sent at `at` acknowledges inputs up to `sequence`: each one pending is observed, and forgotten. */
  acknowledged(sequence: number, at: number, histogram: Observer): void {
    while (this.count > 0 && this.sequences[this.head]! <= sequence) {
      histogram.observe((at - this.arrivals[this.head]!) / 1000);
      this.head = (this.head + 1) % PENDING_INPUTS;
      this.count--;
    }
  }

  /** Forgets every pending input: the client is gone, or another one took the seat and numbers from 1 again. */
  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}

function u16(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}

function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

function i32(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}

/** The vtable slot of `Snapshot.acks` (its field 1: 4 + 2 × 1), as the generated `Snapshot.acks` reads it. */
const ACKS_SLOT = 6;
/** An `InputAck` struct: `entity: uint`, `sequence: uint`. */
const ACK_SIZE = 8;

/**
 * Where the `acks` vector of a Snapshot FlatBuffer starts (its length word), or -1 when it has none. The bytes must
 * be a verified Snapshot, as every snapshot the gateway's registry lets through is.
 */
export function snapshotAcks(bytes: Uint8Array): number {
  const table = u32(bytes, 0);
  const vtable = table - i32(bytes, table);
  if (u16(bytes, vtable) <= ACKS_SLOT) return -1;
  const field = u16(bytes, vtable + ACKS_SLOT);
  if (field === 0) return -1;
  return table + field + u32(bytes, table + field);
}

/** The number of acks in the vector at `acks` (from snapshotAcks). */
export function ackCount(bytes: Uint8Array, acks: number): number {
  return u32(bytes, acks);
}

export function ackEntity(bytes: Uint8Array, acks: number, index: number): number {
  return u32(bytes, acks + 4 + index * ACK_SIZE);
}

export function ackSequence(bytes: Uint8Array, acks: number, index: number): number {
  return u32(bytes, acks + 4 + index * ACK_SIZE + 4);
}

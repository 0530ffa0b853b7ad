// The inputs a room forwarded to its match for one seat, kept for a few seconds so that a match resumed from its
// checkpoint on another host (its own died) can be given again the inputs the dead host applied after that
// checkpoint: the resumed match drops those at or below the sequence it restored, and applies the others in order.
import type { Game } from '@packetflow/protocol';

/**
 * How long an input is kept. A match writes a checkpoint about once a second of ticks and skips one while the
 * previous write is still running, so the checkpoint a match resumes from can be two seconds old when its host dies
 * or is cut off; a room notices the move up to two seconds later (a cut-off host is found by heartbeats, then
 * membership moves its matches). Five seconds covers both.
 */
export const KEEP_INPUTS_MS = 5000;

/** One seat's kept inputs, oldest first, in a ring of fixed size: at most the guard's input rate over the window. */
export class KeptInputs {
  private readonly inputs: (Game.ClientInputT | undefined)[];
  private readonly times: Float64Array;
  private start = 0;
  private count = 0;
  /**
   * Set while the room joins the player to the match again after a failover: inputs are kept but not forwarded (a
   * newer input reaching the resumed match first would make it drop the older ones given again), and none ages out.
   */
  holding = false;

  constructor(readonly capacity: number) {
    this.inputs = new Array(capacity);
    this.times = new Float64Array(capacity);
  }

  /** The capacity for a seat whose inputs pass a guard of this rate and burst. */
  static capacityFor(maxInputsPerSecond: number, inputBurst: number): number {
    return Math.ceil((maxInputsPerSecond * KEEP_INPUTS_MS) / 1000) + inputBurst;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Keeps an input forwarded (or held) at `now`; whether it was kept. Full while holding, the input is not kept: the
   * oldest are the ones the match may have acknowledged, and they go back first.
   */
  keep(input: Game.ClientInputT, now: number): boolean {
    if (!this.holding) this.forgetOlderThan(now - KEEP_INPUTS_MS);
    if (this.count === this.capacity) {
      if (this.holding) return false;
      this.dropOldest();
    }
    const at = (this.start + this.count) % this.capacity;
    this.inputs[at] = input;
    this.times[at] = now;
    this.count++;
    return true;
  }

  /** Every kept input, oldest first. */
  all(): Game.ClientInputT[] {
    const inputs: Game.ClientInputT[] = [];
    for (let i = 0; i < this.count; i++) inputs.push(this.inputs[(this.start + i) % this.capacity]!);
    return inputs;
  }

  /** Forgets every input: the player's client numbers its inputs from 1 again. */
  clear(): void {
    for (let i = 0; i < this.count; i++) this.inputs[(this.start + i) % this.capacity] = undefined;
    this.start = 0;
    this.count = 0;
  }

  private forgetOlderThan(cutoff: number): void {
    while (this.count > 0 && this.times[this.start]! < cutoff) this.dropOldest();
  }

  private dropOldest(): void {
    this.inputs[this.start] = undefined;
    this.start = (this.start + 1) % this.capacity;
    this.count--;
  }
}

// The body inputs of consecutive physics steps, as a match logs them between world snapshots and a checkpoint carries
// them (MatchCheckpoint.steps). Flat typed arrays rather than BodyInputT objects: a match appends every player's
// input every tick, and a checkpoint encodes seconds of them.

import { BodyInputT } from '../generated/packet-flow/game/body-input.js';
import { Vec2T } from '../generated/packet-flow/game/vec2.js';

/** One player's movement for one physics step: `BodyInputT` or any object of the same shape. */
export interface BodyInputLike {
  readonly entity: number;
  readonly move: { readonly x: number; readonly y: number } | null;
  /** A bit set of game.fbs `Buttons`. */
  readonly buttons: number;
}

export class StepInputLog {
  private entities = new Uint32Array(64);
  private moveX = new Float32Array(64);
  private moveY = new Float32Array(64);
  private buttonSets = new Uint32Array(64);
  /** How many inputs the log holds. */
  length = 0;

  /** Appends one input; its move is kept as float32, as the wire carries it (no move is 0, 0). */
  push(input: BodyInputLike): void {
    if (this.length === this.entities.length) this.grow();
    const i = this.length++;
    this.entities[i] = input.entity;
    this.moveX[i] = input.move?.x ?? 0;
    this.moveY[i] = input.move?.y ?? 0;
    this.buttonSets[i] = input.buttons;
  }

  clear(): void {
    this.length = 0;
  }

  entity(i: number): number {
    return this.entities[i] as number;
  }

  x(i: number): number {
    return this.moveX[i] as number;
  }

  y(i: number): number {
    return this.moveY[i] as number;
  }

  buttons(i: number): number {
    return this.buttonSets[i] as number;
  }

  /** Inputs `start` to `start + count - 1` as BodyInputT objects, for a physics step. */
  slice(start: number, count: number): BodyInputT[] {
    const out: BodyInputT[] = [];
    for (let i = start; i < start + count; i++) {
      out.push(new BodyInputT(this.entity(i), new Vec2T(this.x(i), this.y(i)), this.buttons(i)));
    }
    return out;
  }

  private grow(): void {
    const size = this.entities.length * 2;
    const entities = new Uint32Array(size);
    const moveX = new Float32Array(size);
    const moveY = new Float32Array(size);
    const buttonSets = new Uint32Array(size);
    entities.set(this.entities);
    moveX.set(this.moveX);
    moveY.set(this.moveY);
    buttonSets.set(this.buttonSets);
    this.entities = entities;
    this.moveX = moveX;
    this.moveY = moveY;
    this.buttonSets = buttonSets;
  }
}

// The baseline's game rules, kept apart from Colyseus so they read as the whole of what a tick does: move a
// player by one input, push the props it touches, score the new touches.
import type { Player, Prop } from './state.js';

export const TICK_RATE = 30;
export const TICK_SECONDS = 1 / TICK_RATE;
/** The arena is 16 m square, centred on the origin. */
export const ARENA_HALF_SIZE = 8;
export const PROP_COUNT = 32;
/** Metres per second at a full-length move vector. */
export const PLAYER_SPEED = 5;
/** Centre distance at which a player touches a prop (player radius plus prop radius). */
export const TOUCH_DISTANCE = 1;
/** Props rest on the floor; players move on it. */
export const PROP_HEIGHT = 0.25;
/** Inputs a player may have queued; beyond this the oldest is dropped, so a flooding client cannot grow memory. */
export const INPUT_QUEUE_LIMIT = 8;

export interface BaselineInput {
  seq: number;
  tick: number;
  mx: number;
  my: number;
  buttons: number;
}

const MAX_UINT32 = 0xffff_ffff;

function isUint32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_UINT32;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * The input in a client's message, or undefined when it is malformed or not newer than `lastReceived`
 * (duplicates and reordered inputs are dropped, never applied twice).
 */
export function parseInput(message: unknown, lastReceived: number): BaselineInput | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { seq, tick, mx, my, buttons } = message as Record<string, unknown>;
  if (!isUint32(seq) || seq <= lastReceived) return undefined;
  if (!isUint32(tick) || !isUint32(buttons) || !isFiniteNumber(mx) || !isFiniteNumber(my)) return undefined;
  return { seq, tick, mx: clampUnit(mx), my: clampUnit(my), buttons };
}

function clampUnit(value: number): number {
  return Math.min(1, Math.max(-1, value));
}

function clampArena(value: number): number {
  return Math.min(ARENA_HALF_SIZE, Math.max(-ARENA_HALF_SIZE, value));
}

/** A position anywhere on the arena floor, for spawns and props. */
export function randomFloorPosition(): { x: number; z: number } {
  return {
    x: (Math.random() * 2 - 1) * ARENA_HALF_SIZE,
    z: (Math.random() * 2 - 1) * ARENA_HALF_SIZE,
  };
}

/**
 * Applies one input to `player` and pushes the props it now touches out to touching distance. `touching` is the
 * bit set (one bit per prop) of props the player touched after its previous input; the new set is returned, and
 * the score counts the props that were not in the old one.
 */
export function applyInput(player: Player, input: BaselineInput, props: readonly Prop[], touching: number): number {
  player.x = clampArena(player.x + input.mx * PLAYER_SPEED * TICK_SECONDS);
  player.z = clampArena(player.z + input.my * PLAYER_SPEED * TICK_SECONDS);
  if (input.mx !== 0 || input.my !== 0) player.yaw = Math.atan2(input.mx, input.my);
  player.lastSequence = input.seq;

  let now = 0;
  for (let i = 0; i < props.length; i++) {
    const prop = props[i]!;
    const dx = prop.x - player.x;
    const dz = prop.z - player.z;
    const distance = Math.hypot(dx, dz);
    if (distance >= TOUCH_DISTANCE) continue;
    // A prop right under the player is pushed the way the player faces.
    const [ux, uz] = distance > 1e-6 ? [dx / distance, dz / distance] : [Math.sin(player.yaw), Math.cos(player.yaw)];
    prop.x = clampArena(player.x + ux * TOUCH_DISTANCE);
    prop.z = clampArena(player.z + uz * TOUCH_DISTANCE);
    const bit = 1 << i;
    now |= bit;
    if ((touching & bit) === 0) player.score++;
  }
  return now;
}

// Turns "up the screen" and "to the right" into a `move` on the ground for whatever camera is looking.
import type { Vec2 } from '@packetflow/client';
import type { GroundAxes } from '../scene/camera.js';

/** A direction on screen: each axis -1, 0 or 1 (right and up positive). */
export interface ScreenIntent {
  readonly right: number;
  readonly up: number;
}

/** The `move` for an intent: unit length at most, so every axis stays in the [-1, 1] the gateway accepts. */
export function groundMove(intent: ScreenIntent, axes: GroundAxes): Vec2 {
  const x = axes.right.x * intent.right + axes.up.x * intent.up;
  const y = axes.right.y * intent.right + axes.up.y * intent.up;
  const length = Math.hypot(x, y);
  return length > 1 ? { x: x / length, y: y / length } : { x, y };
}

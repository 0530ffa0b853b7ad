// A fixed camera high over the arena's -z side, looking towards +z: up the screen is +z on the ground, which is
// where `move.y = 1` goes, so W moves a player up the screen. Seen from above, +x then points to the screen's left.
import type { Vec2 } from '@packetflow/client';
import { type PerspectiveCamera, Vector3 } from 'three';
import { ARENA_HALF_SIZE, WALL_HEIGHT, WALL_THICKNESS } from './sizes.js';

/** Degrees above the ground the camera looks down from: steep enough to see over the near wall. */
const ELEVATION = (58 * Math.PI) / 180;
/** The arena fills this much of the view's shorter side (normalised device coordinates). */
const MARGIN = 0.92;

const reach = ARENA_HALF_SIZE + 2 * WALL_THICKNESS;
const arenaCorners = [-1, 1].flatMap((x) =>
  [-1, 1].flatMap((z) => [0, WALL_HEIGHT].map((y) => new Vector3(x * reach, y, z * reach))),
);

/**
 * Moves the camera along its fixed direction until the whole arena, walls included, just fits the view at the
 * camera's aspect ratio. Call it after every change of aspect.
 */
export function fitCameraToArena(camera: PerspectiveCamera): void {
  camera.updateProjectionMatrix();
  const direction = new Vector3(0, Math.sin(ELEVATION), -Math.cos(ELEVATION));
  const projected = new Vector3();
  const fits = (distance: number): boolean => {
    camera.position.copy(direction).multiplyScalar(distance);
    camera.lookAt(0, 0, 0);
    camera.updateMatrixWorld();
    return arenaCorners.every((corner) => {
      projected.copy(corner).project(camera);
      return Math.abs(projected.x) <= MARGIN && Math.abs(projected.y) <= MARGIN && projected.z < 1;
    });
  };
  // The nearest distance that fits, by bisection: `fits` is false below it and true above it.
  let tooClose = reach;
  let farEnough = 20 * reach;
  for (let i = 0; i < 30; i++) {
    const middle = (tooClose + farEnough) / 2;
    if (fits(middle)) farEnough = middle;
    else tooClose = middle;
  }
  fits(farEnough);
}

/** Screen directions on the ground, as `move` axes (x → +x, y → +z in the world). */
export interface GroundAxes {
  /** The ground direction that looks like "to the right" on screen. */
  readonly right: Vec2;
  /** The ground direction that looks like "up the screen". */
  readonly up: Vec2;
}

function flat(v: Vector3): Vec2 {
  const length = Math.hypot(v.x, v.z) || 1;
  return { x: v.x / length, y: v.z / length };
}

/** Where the camera's screen right and screen up lie on the ground, whatever way it looks. */
export function groundAxesOf(camera: PerspectiveCamera): GroundAxes {
  camera.updateMatrixWorld();
  const right = new Vector3().setFromMatrixColumn(camera.matrixWorld, 0);
  return { right: flat(right), up: flat(camera.getWorldDirection(new Vector3())) };
}

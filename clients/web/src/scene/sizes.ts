// The physics world's sizes (services/physics/src/world.ts, on its defaults), so that what is drawn is what
// collides. Snapshots carry positions and rotations only, never shapes.

/** Half the side of the square floor: a 40 m arena. */
export const ARENA_HALF_SIZE = 20;
export const WALL_HEIGHT = 4;
export const WALL_THICKNESS = 0.5;
/** Props are cubes 0.8 m on a side. */
export const PROP_HALF = 0.4;
/** A player is a capsule: a 1 m cylinder between two caps of this radius, 1.8 m tall, its centre the position. */
export const PLAYER_RADIUS = 0.4;
export const PLAYER_HALF_HEIGHT = 0.5;

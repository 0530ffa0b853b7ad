/**
 * Entity numbering in a physics world (uint32, as `EntityTransform.entity` and `BodyInput.entity`):
 * - 0 is no entity (the arena's floor and walls are static colliders without one);
 * - props are 1..N in creation order, N = `props` (at most 999);
 * - players are numbered from 1000 up in join order and never reused within a world.
 */
export const NO_ENTITY = 0;
export const FIRST_PROP_ENTITY = 1;
export const MAX_PROPS = 999;
export const FIRST_PLAYER_ENTITY = 1000;
export const MAX_ENTITY = 0xffff_ffff;

export function isPropEntity(entity: number): boolean {
  return entity >= FIRST_PROP_ENTITY && entity < FIRST_PLAYER_ENTITY;
}

export function isPlayerEntity(entity: number): boolean {
  return entity >= FIRST_PLAYER_ENTITY && entity <= MAX_ENTITY;
}

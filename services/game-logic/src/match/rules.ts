import type { MatchState } from './match-state.js';
import { isPropEntity } from './physics-port.js';

/** How close (in metres, centre to centre) a player must come to a prop to touch it. */
export const TOUCH_DISTANCE = 1.2;
const TOUCH_DISTANCE_SQUARED = TOUCH_DISTANCE * TOUCH_DISTANCE;

/**
 * A player scores one point each time it starts touching a prop; staying in touch does not score again. Runs every
 * tick for every player and prop, so it allocates nothing once each player's touching set exists.
 */
export function scoreTouches(state: MatchState): void {
  for (const player of state.players.values()) {
    const body = state.transforms.get(player.entity)?.position;
    if (!body) continue;
    let touching = state.touching.get(player.entity);
    if (touching === undefined) {
      touching = new Set<number>();
      state.touching.set(player.entity, touching);
    }
    for (const prop of state.transforms.values()) {
      const p = prop.position;
      if (!p || !isPropEntity(prop.entity)) continue;
      const dx = p.x - body.x;
      const dy = p.y - body.y;
      const dz = p.z - body.z;
      if (dx * dx + dy * dy + dz * dz > TOUCH_DISTANCE_SQUARED) {
        touching.delete(prop.entity);
      } else if (!touching.has(prop.entity)) {
        touching.add(prop.entity);
        player.score++;
      }
    }
  }
}

import type { MatchState } from './match-state.js';
import { isPropEntity } from './physics-port.js';

/** How close (in metres, centre to centre) a player must come to a prop to touch it. */
export const TOUCH_DISTANCE = 1.2;

/** A player scores one point each time it starts touching a prop; staying in touch does not score again. */
export function scoreTouches(state: MatchState): void {
  const props = [...state.transforms.values()].filter((t) => isPropEntity(t.entity));
  for (const player of state.players.values()) {
    const body = state.transforms.get(player.entity)?.position;
    if (!body) continue;
    const before = state.touching.get(player.entity) ?? new Set<number>();
    const now = new Set<number>();
    for (const prop of props) {
      const p = prop.position;
      if (!p) continue;
      const distance = Math.hypot(p.x - body.x, p.y - body.y, p.z - body.z);
      if (distance > TOUCH_DISTANCE) continue;
      now.add(prop.entity);
      if (!before.has(prop.entity)) player.score++;
    }
    state.touching.set(player.entity, now);
  }
}

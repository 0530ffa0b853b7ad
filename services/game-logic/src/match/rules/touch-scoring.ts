import type { MatchState } from '../match-state.js';
import { isPropEntity } from '../physics-port.js';
import type { MatchRule } from './match-rule.js';

/** How close (in metres, centre to centre) a player must come to a prop to touch it. */
export const TOUCH_DISTANCE = 1.2;
const TOUCH_DISTANCE_SQUARED = TOUCH_DISTANCE * TOUCH_DISTANCE;

/** The props of the tick being scored (entity, then x, y, z), gathered once rather than once per player. */
let props = new Float64Array(4 * 64);

/**
 * A player scores one point each time it starts touching a prop; staying in touch does not score again. Runs every
 * tick for every player and prop, so it allocates nothing once each player's touching set exists.
 */
export function scoreTouches(state: MatchState): void {
  let count = 0;
  for (const transform of state.transforms.values()) {
    const p = transform.position;
    if (!p || !isPropEntity(transform.entity)) continue;
    if (4 * (count + 1) > props.length) {
      const grown = new Float64Array(props.length * 2);
      grown.set(props);
      props = grown;
    }
    props[4 * count] = transform.entity;
    props[4 * count + 1] = p.x;
    props[4 * count + 2] = p.y;
    props[4 * count + 3] = p.z;
    count++;
  }
  for (const player of state.players.values()) {
    const body = state.transforms.get(player.entity)?.position;
    if (!body) continue;
    let touching = state.touching.get(player.entity);
    if (touching === undefined) {
      touching = new Set<number>();
      state.touching.set(player.entity, touching);
    }
    const { x, y, z } = body;
    for (let i = 0; i < 4 * count; i += 4) {
      const entity = props[i]!;
      const dx = props[i + 1]! - x;
      const dy = props[i + 2]! - y;
      const dz = props[i + 3]! - z;
      if (dx * dx + dy * dy + dz * dz > TOUCH_DISTANCE_SQUARED) {
        // Most props are out of reach of most players: a set with nothing in it needs no lookup.
        if (touching.size !== 0) touching.delete(entity);
      } else if (!touching.has(entity)) {
        touching.add(entity);
        player.score++;
      }
    }
  }
}

/** The `touch` mode's rule: a point for each prop a player starts touching (`scoreTouches`). */
export function touchScoring(): MatchRule {
  return {
    onTick: (match) => scoreTouches(match),
    onLeave: (match, player) => {
      match.touching.delete(player.entity);
    },
  };
}

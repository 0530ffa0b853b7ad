import { KING_ZONE } from '@packetflow/protocol';
import type { MatchState } from '../match-state.js';
import type { MatchRule } from './match-rule.js';

/**
 * The `king` mode's rule: a player alone inside the zone (`KING_ZONE`, a circle on the floor) scores a point for
 * every second it stays there alone. Time alone adds up across ticks; another player stepping in stops the count
 * for both, and the time already counted is kept.
 */
export function kingOfTheZone(zone: { readonly x: number; readonly z: number; readonly radius: number } = KING_ZONE) {
  /** Ticks each player (by entity) spent alone in the zone since its last point. */
  const alone = new Map<number, number>();
  const radiusSquared = zone.radius * zone.radius;
  const rule: MatchRule = {
    onTick(match: MatchState, clock) {
      let king: number | undefined;
      let inside = 0;
      for (const player of match.players.values()) {
        const p = match.transforms.get(player.entity)?.position;
        if (!p) continue;
        const dx = p.x - zone.x;
        const dz = p.z - zone.z;
        if (dx * dx + dz * dz <= radiusSquared) {
          inside++;
          king = player.entity;
        }
      }
      if (inside !== 1 || king === undefined) return;
      const ticks = (alone.get(king) ?? 0) + 1;
      if (ticks < clock.rateHz) {
        alone.set(king, ticks);
        return;
      }
      alone.set(king, ticks - clock.rateHz);
      for (const player of match.players.values()) if (player.entity === king) player.score++;
    },
    onLeave(_match, player) {
      alone.delete(player.entity);
    },
  };
  return rule;
}

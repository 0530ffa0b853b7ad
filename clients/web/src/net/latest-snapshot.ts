// What the newest snapshot says, by entity: where each body is on the server and each player's score. Rendering
// draws the interpolated past instead; this is for the panel and the debug hook.
import type { MatchSnapshot, Vec3 } from '@packetflow/client';

export class LatestSnapshot {
  private readonly positions = new Map<number, Vec3>();
  private readonly scores = new Map<number, number>();

  update(snapshot: MatchSnapshot): void {
    this.positions.clear();
    for (const state of snapshot.entities) this.positions.set(state.entity, state.position);
    this.scores.clear();
    for (const { entity, score } of snapshot.scores) this.scores.set(entity, score);
  }

  positionOf(entity: number): Vec3 | undefined {
    return this.positions.get(entity);
  }

  /** A player's score; undefined for an entity that is not a player in the match. */
  scoreOf(entity: number): number | undefined {
    return this.scores.get(entity);
  }

  /** Players are the entities with a score: the snapshot says which entities are players in no other way. */
  isPlayer(entity: number): boolean {
    return this.scores.has(entity);
  }

  get playerCount(): number {
    return this.scores.size;
  }
}

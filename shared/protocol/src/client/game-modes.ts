// The game modes a player chooses at join (the `mode` join option, `JoinMatch.mode`), shared by the gateway that
// checks it, the match that plays it and the clients that draw it. PROTOCOL.md section 10 describes them.

export const GAME_MODES = ['touch', 'king'] as const;
export type GameMode = (typeof GAME_MODES)[number];

/** The mode of a join that names none, and of a match checkpointed before modes existed. */
export const DEFAULT_GAME_MODE: GameMode = 'touch';

export function isGameMode(value: unknown): value is GameMode {
  return typeof value === 'string' && (GAME_MODES as readonly string[]).includes(value);
}

/**
 * `king`: the zone on the arena's floor, a circle around (x, z) in metres. A player alone inside it scores a point
 * for every second it stays there alone.
 */
export const KING_ZONE = Object.freeze({ x: 0, z: 0, radius: 2.5 });

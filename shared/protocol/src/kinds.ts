// The actor kinds of PacketFlow's services: the names routing places actors by (PROTOCOL.md §6) and the catalogue of
// §8 names as receivers. Every package names a kind through these, never as a bare string.

/** One match (`match/<match id>`), on game-logic hosts. */
export const MATCH_KIND = 'match';
/** A match's physics world (`physics/<match id>`), on physics hosts; placed with its match. */
export const PHYSICS_KIND = 'physics';
/** One player's profile, stats and inventory (`player/<player id>`), on player-store hosts. */
export const PLAYER_KIND = 'player';
/** One game mode's leaderboard (`leaderboard/<mode>`), on the Python leaderboard host. */
export const LEADERBOARD_KIND = 'leaderboard';
/** A gateway's room of one match: created on its gateway and pinned there, never placed by routing. */
export const ROOM_KIND = 'gateway-room';

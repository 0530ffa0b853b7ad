import { RefusedError } from '@packetflow/actors';
/** What the store keeps for one player. Counts and stats are non-negative integers that fit a FlatBuffers uint. */
export interface PlayerRecord {
  readonly playerId: string;
  readonly name: string;
  /** Milliseconds since the Unix epoch. */
  readonly createdAtMs: number;
  readonly stats: Stats;
  /** Item → count; items with a count of 0 are absent. */
  readonly items: Readonly<Record<string, number>>;
  /** 1 after creation, one more per applied change: the store refuses a change made against another version. */
  readonly version: number;
  /** Keys of the latest keyed stats additions, oldest first, at most `MAX_STATS_KEYS`. */
  readonly statsKeys: readonly string[];
}

export interface Stats {
  readonly matches: number;
  readonly score: number;
  readonly xp: number;
}

/** One validated change to one player, applied atomically by the storage: all of it or nothing. */
export interface PlayerChange {
  readonly name?: string;
  /** Non-negative deltas added to the stats. */
  readonly stats?: Stats;
  /** Item → delta (positive gives, negative takes); no resulting count may be negative. */
  readonly items?: Readonly<Record<string, number>>;
  /**
   * The key of a stats addition that must count once (a match's result for one seat): a change whose key the
   * player already holds is not applied again, and an applied one joins `statsKeys`.
   */
  readonly statsKey?: string;
}

export const MAX_UINT32 = 4_294_967_295;
export const MAX_NAME_LENGTH = 32;
export const MAX_ITEM_LENGTH = 64;
export const MAX_PLAYER_ID_LENGTH = 128;
/** Distinct items one player may hold. */
export const MAX_DISTINCT_ITEMS = 256;
/**
 * Stats keys a player remembers. A key is sent again only while its writer retries (half a minute at most), and a
 * player finishes far fewer than 32 matches in that time, so an older key is never seen again.
 */
export const MAX_STATS_KEYS = 32;
export const MAX_STATS_KEY_LENGTH = 160;

/** Why an operation may be refused; stable codes a client can switch on. */
export const REFUSAL_REASONS = [
  'invalid_player_id',
  'invalid_name',
  'invalid_stats',
  'invalid_items',
  'not_enough_items',
  'inventory_full',
  'no_such_player',
  'conflict',
] as const;

export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/**
 * An operation that was refused: nothing changed, neither in memory nor in the store. A `RefusedError` like any
 * other refusal; `reason` says which, and travels in the `PlayerRefused` reply's `Error.reason`.
 */
export class PlayerRefusedError extends RefusedError {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'PlayerRefusedError';
  }
}

// Printable: no control characters (C0, DEL, C1), no line or paragraph separators, no unpaired surrogates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what it refuses
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|\p{Cs}/u;

function printable(value: string): boolean {
  return !UNPRINTABLE.test(value);
}

/** Length in characters (code points), as a player sees it. */
function length(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

export function checkPlayerId(id: string): void {
  if (typeof id !== 'string' || id.length === 0 || length(id) > MAX_PLAYER_ID_LENGTH || !printable(id)) {
    throw new PlayerRefusedError(
      'invalid_player_id',
      `a player id is 1–${MAX_PLAYER_ID_LENGTH} printable characters, got ${JSON.stringify(id)}`,
    );
  }
}

export function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string') throw new PlayerRefusedError('invalid_name', 'a name is required');
  const chars = length(name);
  if (chars < 1 || chars > MAX_NAME_LENGTH || !printable(name) || name.trim() !== name) {
    throw new PlayerRefusedError(
      'invalid_name',
      `a name is 1–${MAX_NAME_LENGTH} printable characters without leading or trailing spaces, got ${JSON.stringify(name)}`,
    );
  }
}

export function checkStatsKey(key: string): void {
  if (key.length === 0 || length(key) > MAX_STATS_KEY_LENGTH || !printable(key)) {
    throw new PlayerRefusedError(
      'invalid_stats',
      `a stats key is 1–${MAX_STATS_KEY_LENGTH} printable characters, got ${JSON.stringify(key)}`,
    );
  }
}

/** Checks stat deltas and that the totals they lead to still fit; returns the new totals. */
export function addStats(current: Stats, delta: Stats): Stats {
  for (const field of ['matches', 'score', 'xp'] as const) {
    const value = delta[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new PlayerRefusedError(
        'invalid_stats',
        `stat delta ${field} must be a finite non-negative integer, got ${String(value)}`,
      );
    }
    if (current[field] + value > MAX_UINT32) {
      throw new PlayerRefusedError('invalid_stats', `${field} would exceed ${MAX_UINT32}`);
    }
  }
  return { matches: current.matches + delta.matches, score: current.score + delta.score, xp: current.xp + delta.xp };
}

export interface ItemStackLike {
  readonly item: string | null;
  readonly count: number;
}

/**
 * Checks a give (sign 1) or take (sign -1) of item stacks against what the player holds and returns the change as
 * item → delta. Stacks of the same item add up; every count is a positive integer; nothing is taken that is not
 * there and no count exceeds a uint.
 */
export function itemDeltas(
  held: Readonly<Record<string, number>>,
  stacks: readonly ItemStackLike[],
  sign: 1 | -1,
): Record<string, number> {
  if (stacks.length === 0) throw new PlayerRefusedError('invalid_items', 'at least one item stack is required');
  const deltas: Record<string, number> = {};
  for (const { item, count } of stacks) {
    if (typeof item !== 'string' || item.length === 0 || length(item) > MAX_ITEM_LENGTH || !printable(item)) {
      throw new PlayerRefusedError(
        'invalid_items',
        `an item name is 1–${MAX_ITEM_LENGTH} printable characters, got ${JSON.stringify(item)}`,
      );
    }
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1 || count > MAX_UINT32) {
      throw new PlayerRefusedError(
        'invalid_items',
        `the count of ${item} must be an integer from 1 to ${MAX_UINT32}, got ${String(count)}`,
      );
    }
    deltas[item] = (deltas[item] ?? 0) + sign * count;
  }
  let distinct = Object.keys(held).length;
  for (const [item, delta] of Object.entries(deltas)) {
    const have = held[item] ?? 0;
    const after = have + delta;
    if (after < 0) {
      throw new PlayerRefusedError('not_enough_items', `cannot take ${-delta} × ${item}: the player has ${have}`);
    }
    if (after > MAX_UINT32) throw new PlayerRefusedError('invalid_items', `${item} would exceed ${MAX_UINT32}`);
    if (have === 0 && after > 0) distinct++;
  }
  if (distinct > MAX_DISTINCT_ITEMS) {
    throw new PlayerRefusedError('inventory_full', `a player holds at most ${MAX_DISTINCT_ITEMS} distinct items`);
  }
  return deltas;
}

/** The record after `change`, as every backend computes it. */
export function applyChange(record: PlayerRecord, change: PlayerChange): PlayerRecord {
  const items: Record<string, number> = { ...record.items };
  for (const [item, delta] of Object.entries(change.items ?? {})) {
    const count = (items[item] ?? 0) + delta;
    if (count < 0) throw new PlayerRefusedError('not_enough_items', `${item} would go below zero`);
    if (count === 0) delete items[item];
    else items[item] = count;
  }
  const stats = change.stats
    ? {
        matches: record.stats.matches + change.stats.matches,
        score: record.stats.score + change.stats.score,
        xp: record.stats.xp + change.stats.xp,
      }
    : record.stats;
  const statsKeys = change.statsKey === undefined ? record.statsKeys : withStatsKey(record.statsKeys, change.statsKey);
  return { ...record, name: change.name ?? record.name, stats, items, statsKeys, version: record.version + 1 };
}

/** `keys` with `key` appended, the oldest dropped beyond `MAX_STATS_KEYS`. */
function withStatsKey(keys: readonly string[], key: string): string[] {
  return [...keys, key].slice(-MAX_STATS_KEYS);
}

export function newPlayer(playerId: string, name: string, createdAtMs: number): PlayerRecord {
  return {
    playerId,
    name,
    createdAtMs,
    stats: { matches: 0, score: 0, xp: 0 },
    items: {},
    version: 1,
    statsKeys: [],
  };
}

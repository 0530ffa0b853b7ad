import {
  createProtocolRegistry,
  Game,
  type InventoryMessage,
  type MessageRegistry,
  type PlayerProfileMessage,
  type PlayerStatsMessage,
  System,
  tableCodec,
  type WireMessage,
} from '@packetflow/protocol';

/**
 * The Player actor's messages. Requests reuse the protocol's player tables as bodies under names of their own;
 * the player is the actor's id (its address), so a body's `player_id` is not read (put the id there or leave it
 * empty). Replies are the protocol's own `PlayerProfile`, `PlayerStats` and `Inventory`, or `PlayerRefused` (an
 * `Error` table whose message starts with the refusal code, e.g. `invalid_name: …`).
 */
/** Loads the player, creating it on first load with `name` (or `Player`); replies `PlayerProfile`. */
export type LoadPlayer = WireMessage<'LoadPlayer', Game.PlayerProfileT>;
/** Replies `PlayerProfile` with the new name. */
export type RenamePlayer = WireMessage<'RenamePlayer', Game.PlayerProfileT>;
/**
 * Adds the body's matches, score and xp to the player's; replies `PlayerStats` with the totals. With an `op_key`,
 * once per key: an addition whose key the player already holds changes nothing and replies the totals as they are.
 */
export type AddPlayerStats = WireMessage<'AddPlayerStats', Game.PlayerStatsT>;
/** Gives the body's item stacks to the player; replies `Inventory`. */
export type GiveItems = WireMessage<'GiveItems', Game.InventoryT>;
/** Takes the body's item stacks from the player, all or none; replies `Inventory`. */
export type TakeItems = WireMessage<'TakeItems', Game.InventoryT>;
export type GetPlayerStats = WireMessage<'GetPlayerStats', undefined>;
export type GetInventory = WireMessage<'GetInventory', undefined>;
export type PlayerRefused = WireMessage<'PlayerRefused', System.ErrorT>;

export type PlayerRequest =
  | LoadPlayer
  | RenamePlayer
  | AddPlayerStats
  | GiveItems
  | TakeItems
  | GetPlayerStats
  | GetInventory;
export type PlayerReply = PlayerProfileMessage | PlayerStatsMessage | InventoryMessage | PlayerRefused;

/** The protocol's messages plus the Player actor's: what every node that talks to players registers. */
export function playerRegistry(registry: MessageRegistry = createProtocolRegistry()): MessageRegistry {
  return registry
    .register(tableCodec('PlayerProfile', Game.PlayerProfile, undefined, 'LoadPlayer'))
    .register(tableCodec('PlayerProfile', Game.PlayerProfile, undefined, 'RenamePlayer'))
    .register(tableCodec('PlayerStats', Game.PlayerStats, undefined, 'AddPlayerStats'))
    .register(tableCodec('Inventory', Game.Inventory, undefined, 'GiveItems'))
    .register(tableCodec('Inventory', Game.Inventory, undefined, 'TakeItems'))
    .register(tableCodec('Error', System.Error, undefined, 'PlayerRefused'))
    .registerEmpty('GetPlayerStats')
    .registerEmpty('GetInventory');
}

export function loadPlayer(name?: string): LoadPlayer {
  return { type: 'LoadPlayer', body: new Game.PlayerProfileT('', name ?? null, 0) };
}

export function renamePlayer(name: string): RenamePlayer {
  return { type: 'RenamePlayer', body: new Game.PlayerProfileT('', name, 0) };
}

export function addPlayerStats(delta: { matches?: number; score?: number; xp?: number }, key?: string): AddPlayerStats {
  return {
    type: 'AddPlayerStats',
    body: new Game.PlayerStatsT('', delta.matches ?? 0, delta.score ?? 0, delta.xp ?? 0, key ?? null),
  };
}

export function giveItems(items: Readonly<Record<string, number>>): GiveItems {
  return { type: 'GiveItems', body: inventoryOf('', items) };
}

export function takeItems(items: Readonly<Record<string, number>>): TakeItems {
  return { type: 'TakeItems', body: inventoryOf('', items) };
}

export const getPlayerStats: GetPlayerStats = { type: 'GetPlayerStats', body: undefined };
export const getInventory: GetInventory = { type: 'GetInventory', body: undefined };

export function inventoryOf(playerId: string, items: Readonly<Record<string, number>>): Game.InventoryT {
  const stacks = Object.entries(items)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([item, count]) => new Game.ItemStackT(item, count));
  return new Game.InventoryT(playerId, stacks);
}

/** A FlatBuffers string field as a string (the object API types them as `string | Uint8Array | null`). */
export function text(value: string | Uint8Array | null): string | undefined {
  if (value === null) return undefined;
  return typeof value === 'string' ? value : new TextDecoder().decode(value);
}

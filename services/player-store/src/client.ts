import { type ActorSystem, type AskOptions, type RetryOptions, retryUntilAnswered } from '@packetflow/actors';
import {
  type InventoryMessage,
  PLAYER_KIND,
  type PlayerProfileMessage,
  type PlayerStatsMessage,
  type System,
} from '@packetflow/protocol';
import {
  addPlayerStats,
  getInventory,
  getPlayerStats,
  giveItems,
  loadPlayer,
  type PlayerReply,
  type PlayerRequest,
  renamePlayer,
  takeItems,
  text,
} from './messages.js';
import { PlayerRefusedError, REFUSAL_REASONS, type RefusalReason, type Stats } from './player-data.js';

/** Where and how `addStatsUntilWritten` retries; its warning at the first retry is its own. */
export type StatsWriteOptions = Omit<RetryOptions, 'retrying'>;

export interface Profile {
  readonly playerId: string;
  readonly name: string;
  readonly createdAtMs: number;
}

/**
 * Typed calls to Player actors wherever they live (this process or another node of the cluster). A refused
 * operation rejects with `PlayerRefusedError` (its `code` says why); a failure to reach the actor or the store
 * rejects with the actor runtime's errors.
 */
export class PlayerClient {
  constructor(
    private readonly system: ActorSystem,
    private readonly options: AskOptions = {},
  ) {}

  async load(playerId: string, name?: string): Promise<Profile> {
    return profile(await this.ask(playerId, loadPlayer(name)));
  }

  async rename(playerId: string, name: string): Promise<Profile> {
    return profile(await this.ask(playerId, renamePlayer(name)));
  }

  /** With a `key`, adds the stats once per key (see `AddPlayerStats`), however often it is sent. */
  async addStats(
    playerId: string,
    delta: { matches?: number; score?: number; xp?: number },
    key?: string,
  ): Promise<Stats> {
    return stats(await this.ask(playerId, addPlayerStats(delta, key)));
  }

  /**
   * Adds stats under `key`, sending them again (the key keeps them from counting twice) while the player-store
   * cannot be reached, with growing pauses, for a bounded time. Never rejects: resolves the player's totals, or
   * undefined when it gave up (a refusal at once). Logs a warning at its first retry and an error when it gives up.
   */
  async addStatsUntilWritten(
    playerId: string,
    delta: { matches?: number; score?: number; xp?: number },
    key: string,
    options: StatsWriteOptions,
  ): Promise<Stats | undefined> {
    return retryUntilAnswered(() => this.addStats(playerId, delta, key), {
      ...options,
      retrying: 'stats not written yet; sending them again',
      fields: { player: playerId, key, ...options.fields },
    });
  }

  async stats(playerId: string): Promise<Stats> {
    return stats(await this.ask(playerId, getPlayerStats));
  }

  async give(playerId: string, items: Readonly<Record<string, number>>): Promise<Record<string, number>> {
    return inventory(await this.ask(playerId, giveItems(items)));
  }

  async take(playerId: string, items: Readonly<Record<string, number>>): Promise<Record<string, number>> {
    return inventory(await this.ask(playerId, takeItems(items)));
  }

  async inventory(playerId: string): Promise<Record<string, number>> {
    return inventory(await this.ask(playerId, getInventory));
  }

  /** Sends one request and returns its reply; a PlayerRefused reply rejects. */
  async ask(playerId: string, request: PlayerRequest): Promise<PlayerReply> {
    const reply = await this.system.send<PlayerReply, PlayerRequest>(
      this.system.ref<PlayerRequest>(PLAYER_KIND, playerId),
      request,
      this.options,
    );
    if (reply.type === 'PlayerRefused') throw refusalOf(reply.body);
    return reply;
  }
}

/**
 * Rebuilds the error from a PlayerRefused reply: its reason from `Error.reason`. A reason this client does not know
 * (a newer store) keeps the refusal a refusal, as `invalid_items`, the store's catch-all for what it cannot do.
 */
export function refusalOf(error: System.ErrorT): PlayerRefusedError {
  const reason = text(error.reason) as RefusalReason;
  const message = text(error.message) ?? '';
  return new PlayerRefusedError(REFUSAL_REASONS.includes(reason) ? reason : 'invalid_items', message);
}

function expect<T extends PlayerReply['type']>(reply: PlayerReply, type: T): Extract<PlayerReply, { type: T }> {
  if (reply.type !== type) throw new Error(`expected a ${type} reply, got ${reply.type}`);
  return reply as Extract<PlayerReply, { type: T }>;
}

function profile(reply: PlayerReply): Profile {
  const { body } = expect(reply, 'PlayerProfile') as PlayerProfileMessage;
  return { playerId: text(body.playerId) ?? '', name: text(body.name) ?? '', createdAtMs: body.createdAtMs };
}

function stats(reply: PlayerReply): Stats {
  const { body } = expect(reply, 'PlayerStats') as PlayerStatsMessage;
  return { matches: body.matches, score: body.score, xp: body.xp };
}

function inventory(reply: PlayerReply): Record<string, number> {
  const { body } = expect(reply, 'Inventory') as InventoryMessage;
  const items: Record<string, number> = {};
  for (const stack of body.items) items[text(stack.item) ?? ''] = stack.count;
  return items;
}

import { randomBytes } from 'node:crypto';
import { type ActorContext, defineBehavior } from '@packetflow/actors';
import {
  ErrorCode,
  Game,
  type InventoryMessage,
  type PlayerProfileMessage,
  type PlayerStatsMessage,
  System,
} from '@packetflow/protocol';
import { inventoryOf, type PlayerRefused, type PlayerRequest, text } from './messages.js';
import type { PlayerMetrics } from './metrics/player-metrics.js';
import {
  addStats,
  applyChange,
  checkName,
  checkPlayerId,
  checkStatsKey,
  itemDeltas,
  newPlayer,
  type PlayerChange,
  type PlayerRecord,
  PlayerRefusedError,
} from './player-data.js';
import type { ApplyOutcome, PlayerStorage } from './storage/player-storage.js';

export interface PlayerState {
  /** The stored player as last written or read; undefined until loaded, or after a write whose outcome is unknown. */
  record: PlayerRecord | undefined;
}

export interface PlayerBehaviorOptions {
  /** A player without messages for this long leaves memory (its data stays stored); 5 minutes unless set. */
  readonly idleTimeoutMs?: number;
  /** Name given on first load when LoadPlayer names none; `Player` unless set. */
  readonly defaultName?: string;
  /** Clock for `created`; Date.now unless set. */
  readonly now?: () => number;
  /** The host's player metrics (`playerMetrics(registry)`); none unless set. */
  readonly metrics?: PlayerMetrics;
}

type Ctx = ActorContext<PlayerState, PlayerRequest>;

/**
 * Op ids: 96 random bits per process, then a counter. Unique across processes and restarts (as a random UUID would
 * be) for the cost of a counter, and short, so less to send to the store per write.
 */
const opPrefix = randomBytes(12).toString('base64url');
let opCounter = 0;

export function nextOpId(): string {
  return opPrefix + (++opCounter).toString(36);
}

/**
 * The `player` actor kind (id = player id): profile, stats and inventory, written through to `storage`. Every
 * operation is validated against the current state first; a refused one replies `PlayerRefused` and changes
 * nothing. An accepted one is applied to the store, and only once the store has acknowledged it does the actor
 * update its state and reply. A write that fails (the store unreachable) fails the ask and drops the cached state,
 * so the next message reads the player again from the store.
 */
export function playerBehavior(storage: PlayerStorage, options: PlayerBehaviorOptions = {}) {
  const now = options.now ?? Date.now;
  const defaultName = options.defaultName ?? 'Player';
  const metrics = options.metrics;

  async function current(ctx: Ctx): Promise<PlayerRecord> {
    if (ctx.state.record) return ctx.state.record;
    checkPlayerId(ctx.self.id);
    const stored = await storage.load(ctx.self.id);
    if (!stored) {
      throw new PlayerRefusedError('no_such_player', `player ${ctx.self.id} does not exist; LoadPlayer creates it`);
    }
    ctx.state.record = stored;
    return stored;
  }

  async function write(ctx: Ctx, record: PlayerRecord, change: PlayerChange): Promise<PlayerRecord> {
    const started = performance.now();
    let outcome: ApplyOutcome;
    try {
      outcome = await storage.apply(record.playerId, record.version, change, nextOpId());
    } catch (error) {
      ctx.state.record = undefined; // the store may hold something else now: read it again next time
      if (!(error instanceof PlayerRefusedError)) metrics?.writeFailures.inc();
      throw error;
    }
    metrics?.written(performance.now() - started);
    if (outcome === 'already_applied') {
      // Nothing written: the store holds its stats key, so its totals count these stats already (maybe not this
      // state, when the first attempt was made elsewhere); read them.
      ctx.state.record = undefined;
      return current(ctx);
    }
    const next = applyChange(record, change);
    ctx.state.record = next;
    return next;
  }

  /** Runs an operation; a refusal becomes a PlayerRefused reply, anything else fails the ask. */
  function operation<M>(run: (msg: M, ctx: Ctx) => Promise<unknown>) {
    return async (msg: M, ctx: Ctx) => {
      try {
        return await run(msg, ctx);
      } catch (error) {
        if (!(error instanceof PlayerRefusedError)) throw error;
        metrics?.refused(error.reason);
        return refused(error);
      }
    };
  }

  return defineBehavior<PlayerState, PlayerRequest>({
    initial: () => ({ record: undefined }),
    idleTimeoutMs: options.idleTimeoutMs ?? 300_000,
    handlers: {
      LoadPlayer: operation(async (msg, ctx) => {
        if (ctx.state.record) return profileOf(ctx.state.record);
        checkPlayerId(ctx.self.id);
        let record = await storage.load(ctx.self.id);
        if (!record) {
          const name = text(msg.body.name) ?? defaultName;
          checkName(name);
          const started = performance.now();
          try {
            record = await storage.create(newPlayer(ctx.self.id, name, now()));
          } catch (error) {
            metrics?.writeFailures.inc();
            throw error;
          }
          metrics?.written(performance.now() - started);
        }
        ctx.state.record = record;
        return profileOf(record);
      }),
      RenamePlayer: operation(async (msg, ctx) => {
        const name = text(msg.body.name);
        checkName(name);
        const record = await current(ctx);
        if (name === record.name) return profileOf(record);
        return profileOf(await write(ctx, record, { name }));
      }),
      AddPlayerStats: operation(async (msg, ctx) => {
        const delta = { matches: msg.body.matches, score: msg.body.score, xp: msg.body.xp };
        const statsKey = text(msg.body.opKey);
        if (statsKey !== undefined) checkStatsKey(statsKey);
        const record = await current(ctx);
        addStats(record.stats, delta); // validates before anything is written
        return statsOf(
          await write(ctx, record, statsKey === undefined ? { stats: delta } : { stats: delta, statsKey }),
        );
      }),
      GiveItems: operation(async (msg, ctx) => {
        const record = await current(ctx);
        const items = itemDeltas(record.items, msg.body.items.map(stackOf), 1);
        return inventoryMessage(await write(ctx, record, { items }));
      }),
      TakeItems: operation(async (msg, ctx) => {
        const record = await current(ctx);
        const items = itemDeltas(record.items, msg.body.items.map(stackOf), -1);
        return inventoryMessage(await write(ctx, record, { items }));
      }),
      GetPlayerStats: operation(async (_msg, ctx) => statsOf(await current(ctx))),
      GetInventory: operation(async (_msg, ctx) => inventoryMessage(await current(ctx))),
    },
  });
}

function stackOf(stack: Game.ItemStackT): { item: string | null; count: number } {
  return { item: text(stack.item) ?? null, count: stack.count };
}

export function profileOf(record: PlayerRecord): PlayerProfileMessage {
  return { type: 'PlayerProfile', body: new Game.PlayerProfileT(record.playerId, record.name, record.createdAtMs) };
}

export function statsOf(record: PlayerRecord): PlayerStatsMessage {
  const { matches, score, xp } = record.stats;
  return { type: 'PlayerStats', body: new Game.PlayerStatsT(record.playerId, matches, score, xp) };
}

export function inventoryMessage(record: PlayerRecord): InventoryMessage {
  return { type: 'Inventory', body: inventoryOf(record.playerId, record.items) };
}

export function refused(error: PlayerRefusedError): PlayerRefused {
  return {
    type: 'PlayerRefused',
    body: new System.ErrorT(ErrorCode.InvalidArgument, error.message, error.reason),
  };
}

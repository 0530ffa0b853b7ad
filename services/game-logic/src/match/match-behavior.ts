import {
  type ActorContext,
  ActorRef,
  type DurableStore,
  defineBehavior,
  type Logger,
  RefusedError,
} from '@packetflow/actors';
import { PlayerClient } from '@packetflow/player-store';
import {
  DEFAULT_GAME_MODE,
  Game,
  keyHash,
  MATCH_KIND,
  type MatchCheckpointBody,
  type MessageRegistry,
  outranks,
} from '@packetflow/protocol';
import type { MatchMetrics } from '../metrics/match-metrics.js';
import type { TickScheduler } from '../tick/tick-scheduler.js';
import { recordScore } from './leaderboard.js';
import {
  checkpointKey,
  type HandOverMatchMessage,
  handOverKey,
  type MatchMessage,
  type TickMessage,
  worldCheckpointKey,
} from './match-messages.js';
import { MatchState, PlayerState } from './match-state.js';
import { MatchTicker, type TickerEnd } from './match-ticker.js';
import { FencedError, type OwnerClaim, OwnerClaims } from './owner-claim.js';
import type { PhysicsPort } from './physics-port.js';
import { asRoom, roomOf } from './room-address.js';
import { DEFAULT_MODE_RULES, type ModeRules } from './rules/modes.js';
import { withDeadline } from './with-deadline.js';

export interface MatchOptions {
  readonly scheduler: TickScheduler;
  readonly store: DurableStore;
  readonly physics: PhysicsPort;
  /** Codecs for the checkpoint (the protocol registry has MatchCheckpoint). */
  readonly registry: MessageRegistry;
  /** Ticks between checkpoints; one second's worth unless set. */
  readonly checkpointEveryTicks?: number;
  /**
   * Ticks between checkpoints that hold the physics world; five seconds' worth unless set. The ones in between hold
   * the inputs of every physics step since the last world instead, which a resuming host replays on it: a world
   * snapshot (~80 KB) costs far more to take and write than a few seconds of inputs. A join or a leave changes the
   * world outside a step, so the checkpoint after one holds the world too.
   */
  readonly worldCheckpointEveryTicks?: number;
  /**
   * Ticks between full snapshots; one second's worth unless set. In between, a snapshot carries only the entities
   * that moved during its tick, and one after a join or a leave is full too.
   */
  readonly fullSnapshotEveryTicks?: number;
  /**
   * Ticks a player's last input is held while no new one arrives, so motion does not stutter between inputs; after
   * that the player stands still. A sixth of a second's worth unless set.
   */
  readonly holdInputTicks?: number;
  /**
   * How long players whose room went down (its gateway died) keep their seats for their clients to come back
   * through another room, in ms; 30 s unless set. 0: they leave the match at once.
   */
  readonly rejoinWindowMs?: number;
  readonly logger?: Logger;
  /** The host's match metrics (`matchMetrics(registry)`); none unless set. */
  readonly metrics?: MatchMetrics;
  /** Deadline of each store call a match makes (its checkpoint, its owner claim), in ms; 3 s unless set. */
  readonly storeTimeoutMs?: number;
  /**
   * How long a tick may stay unsettled before its ticker takes the activation for gone and ends, in ms; 10 s unless
   * set. Longer than any tick can take with every physics and store call under its deadline.
   */
  readonly staleTickMs?: number;
  /**
   * Whether `node`, holding a match's claim, may still be ticking it. A match activated here while such a node holds
   * its claim asks it to hand the match over and waits (up to `handOverWaitMs`) for the release; the claim of a node
   * that cannot be ticking (gone) is taken at once. No node unless set (a node alone).
   */
  readonly holderMayTick?: (node: string) => boolean;
  /**
   * Whether this node's membership lease holds. A match this node stops owning with its lease held is handed over
   * (a last checkpoint, then its claim released); without it the node may be cut off and the match is fenced
   * (stopped, writing nothing). Held unless set.
   */
  readonly leaseHeld?: () => boolean;
  /**
   * How long a new owner waits for the previous one to hand a match over, in ms; 5 s unless set: as long as links
   * take to come back after a partition heals (they redial within their 5 s backoff, sooner once the other side
   * dials in). Past it the match is claimed anyway, and the old owner is fenced at its next checkpoint.
   */
  readonly handOverWaitMs?: number;
  /**
   * The rules of each game mode, made fresh for every match: a match plays the mode its first join names (or
   * `touch`). PacketFlow's `touch` and `king` unless set.
   */
  readonly rules?: ModeRules;
  /**
   * Subscribes to this node's membership lease (`cluster.onLeaseChange`). As it lapses, every match here is
   * suspended at once rather than at its next tick (a tick in flight as the host was cut off or paused settles only
   * after the host is back, by when the lease may be renewed on a view that has not seen the others take over yet);
   * as it is renewed, each resumes if it is still this node's, or stops.
   */
  readonly onLeaseChange?: (listener: (held: boolean) => void) => void;
}

type Ctx = ActorContext<MatchState, MatchMessage>;

const NO_WORLD = new Uint8Array(0);

/**
 * A match: players join and leave, their inputs queue by sequence number, and on every tick of the host's scheduler
 * the match applies one input per player, steps its PhysicsWorld, scores touches and sends a snapshot to every
 * subscribed room. Every `checkpointEveryTicks` it writes a checkpoint, and a fresh activation (on this host or,
 * after a failover, on another) resumes from the last one.
 */
export function matchBehavior(options: MatchOptions) {
  const { scheduler, store, physics, registry, metrics } = options;
  const checkpointEvery = options.checkpointEveryTicks ?? Math.round(scheduler.rateHz);
  const worldEvery = options.worldCheckpointEveryTicks ?? Math.round(5 * scheduler.rateHz);
  const fullEvery = options.fullSnapshotEveryTicks ?? Math.round(scheduler.rateHz);
  const holdTicks = options.holdInputTicks ?? Math.max(1, Math.round(scheduler.rateHz / 6));
  const rejoinWindowMs = options.rejoinWindowMs ?? 30_000;
  const storeTimeoutMs = options.storeTimeoutMs ?? 3000;
  const staleTickMs = options.staleTickMs ?? 10_000;
  const claims = new OwnerClaims(store, storeTimeoutMs);
  const holderMayTick = options.holderMayTick ?? (() => false);
  const leaseHeld = options.leaseHeld ?? (() => true);
  const handOverWaitMs = options.handOverWaitMs ?? 5000;
  const modeRules: ModeRules = options.rules ?? DEFAULT_MODE_RULES;
  const tickers = new Map<string, MatchTicker>();
  /** The claim of each match's activation on this host, kept across its restarts (which reset its state). */
  const heldClaims = new Map<string, { readonly activation: Ctx; readonly claim: OwnerClaim }>();
  /** Matches that stopped ticking as the lease lapsed, keeping their state until it is renewed. */
  const suspended = new Set<string>();
  options.onLeaseChange?.((held) => {
    for (const { activation } of heldClaims.values()) {
      if (!held) suspend(activation);
      else if (suspended.has(activation.state.matchId)) void resume(activation);
    }
  });

  /** Gives the match its mode and that mode's rules; refuses a mode this host does not play. */
  function setMode(state: MatchState, mode: string): void {
    const rules = modeRules[mode];
    if (rules === undefined) {
      throw new RefusedError(`unknown game mode ${JSON.stringify(mode)}; one of ${Object.keys(modeRules).join(', ')}`);
    }
    state.mode = mode;
    state.rules = rules();
  }

  async function ensureLoaded(ctx: Ctx): Promise<void> {
    const state = ctx.state;
    if (state.loaded) return;
    state.loaded = true;
    const held = heldClaims.get(state.matchId);
    if (held?.activation === ctx) {
      // Restarted after a failure: the activation keeps its claim, unless another host took the match meanwhile
      // (this one was cut off): claiming afresh would take the match back on stale grounds.
      await claims.check(state.matchId, held.claim).catch((error: unknown) => {
        if (error instanceof FencedError) fence(ctx, state, error.message);
        throw error;
      });
      state.claim = held.claim;
    } else {
      // Claimed before the checkpoint is read, so the checkpoint read is the last one any earlier owner could write.
      state.claim = await claims.claim(state.matchId, ctx.system.nodeId, holderMayTick, handOverWaitMs, (holder) =>
        askHandOver(ctx, holder),
      );
      heldClaims.set(state.matchId, { activation: ctx, claim: state.claim });
    }
    const from = await resumePoint(ctx);
    if (from === undefined) return;
    const { record, transforms } = from;
    setMode(state, record.mode ?? DEFAULT_GAME_MODE);
    state.tick = record.tick;
    state.resumedFrom = record.tick;
    state.fullSnapshotDue = true;
    for (const transform of transforms) state.transforms.set(transform.entity, transform);
    for (const slot of record.players) {
      const player = new PlayerState(slot.playerId as string, slot.entity, state.inputStats);
      player.queue.lastApplied = slot.lastSequence;
      player.score = slot.score;
      if (typeof slot.name === 'string') player.name = slot.name;
      const room = roomOf(slot.room);
      if (room !== undefined) {
        // The room the player was in still gets the snapshots, from the next tick on; if it is gone, the watch
        // says so and the player is away like any whose room went down.
        player.room = room.toString();
        subscribe(ctx, room);
      } else if (rejoinWindowMs > 0) {
        // No room holds a restored player yet: one that does not claim them within the rejoin window (its gateway
        // died before this host did, or while it was down) never will, and they leave then with their stats.
        player.awayUntil = performance.now() + rejoinWindowMs;
      }
      state.players.set(player.playerId, player);
    }
    if (state.players.size === 0) return;
    startTicking(ctx);
    // Its first tick at once rather than at the host's next slot for it: players wait on a match that moved.
    tickers.get(state.matchId)?.tick(scheduler.currentTick);
  }

  /**
   * Where a match activated here goes on from: the last hand-over record, when it is no older than the checkpoint
   * and the physics world still stands at its tick (nothing stepped it since: a planned hand-over, exact); else the
   * checkpoint, its world restored from the snapshot it goes on from and the steps since replayed on it. Undefined
   * for a match with neither (a new one).
   */
  async function resumePoint(
    ctx: Ctx,
  ): Promise<{ record: MatchCheckpointBody; transforms: Game.EntityTransformT[] } | undefined> {
    const matchId = ctx.state.matchId;
    const [latest, world, handedOver] = await Promise.all([
      readRecord(matchId, checkpointKey(matchId), 'checkpoint'),
      readRecord(matchId, worldCheckpointKey(matchId), 'world checkpoint'),
      readRecord(matchId, handOverKey(matchId), 'hand-over record'),
    ]);
    const checkpoint = resumableCheckpoint(matchId, latest, world);
    if (handedOver !== undefined && (checkpoint === undefined || handedOver.tick >= checkpoint.record.tick)) {
      try {
        return { record: handedOver, transforms: await physics.resume(ctx, matchId, handedOver.tick) };
      } catch (error) {
        if (!(error instanceof RefusedError)) throw error;
        options.logger?.warn('hand-over record behind the physics world; resuming from the checkpoint', {
          match: matchId,
          tick: handedOver.tick,
          error: error.message,
        });
      }
    }
    if (checkpoint === undefined) return undefined;
    const { record, world: from } = checkpoint;
    const transforms = new Map<number, Game.EntityTransformT>();
    for (const t of await physics.restore(ctx, matchId, from.physics, from.tick)) transforms.set(t.entity, t);
    // Physics steps the same inputs to the same world bitwise alike, so the replay ends where the match stood.
    const steps = record.steps;
    const perStep = record.players.length;
    if (steps !== undefined && perStep > 0) {
      for (let tick = from.tick + 1, i = 0; tick <= record.tick; tick++, i += perStep) {
        const result = await physics.step(ctx, matchId, tick, steps.slice(i, perStep));
        for (const t of result.moved) transforms.set(t.entity, t);
      }
    }
    return { record, transforms: [...transforms.values()] };
  }

  /**
   * The checkpoint to resume from and the one holding the world it goes on from (the same, for one that holds its
   * world). The latest checkpoint unless the world it goes on from is not the stored one (a host died between the
   * two writes, or one failed): then the world checkpoint alone, which is older, and the gateway's replay of its
   * kept inputs covers the difference.
   */
  function resumableCheckpoint(
    matchId: string,
    latest: MatchCheckpointBody | undefined,
    world: MatchCheckpointBody | undefined,
  ): { record: MatchCheckpointBody; world: MatchCheckpointBody } | undefined {
    if (latest !== undefined && latest.physics.length > 0) return { record: latest, world: latest };
    const usable = world !== undefined && world.physics.length > 0 ? world : undefined;
    if (latest !== undefined && usable !== undefined && goesOnFrom(latest, usable))
      return { record: latest, world: usable };
    if (latest !== undefined && (usable === undefined || latest.tick > usable.tick)) {
      options.logger?.warn('checkpoint without the world it goes on from; resuming from the last world checkpoint', {
        match: matchId,
        tick: latest.tick,
        worldTick: latest.worldTick ?? 0,
        world: usable?.tick,
      });
    }
    return usable === undefined ? undefined : { record: usable, world: usable };
  }

  /** Whether a checkpoint without a world goes on from this world checkpoint with one input per player per step. */
  function goesOnFrom(latest: MatchCheckpointBody, world: MatchCheckpointBody): boolean {
    if ((latest.worldTick ?? 0) !== world.tick || latest.tick < world.tick) return false;
    return (latest.steps?.length ?? 0) === (latest.tick - world.tick) * latest.players.length;
  }

  async function readRecord(matchId: string, key: string, what: string): Promise<MatchCheckpointBody | undefined> {
    const bytes = await withDeadline(store.get(key), storeTimeoutMs, `${what} read`);
    if (bytes === undefined) return undefined;
    const decoded = registry.decode('MatchCheckpoint', bytes);
    if (!decoded.ok) {
      options.logger?.error(`unreadable match ${what}; not resuming from it`, { match: matchId });
      return undefined;
    }
    return decoded.value.body as MatchCheckpointBody;
  }

  /** Sends the match's snapshots to a room, and hears when it ends. */
  function subscribe(ctx: Ctx, room: ActorRef): void {
    const key = room.toString();
    if (ctx.state.subscribers.has(key)) return;
    ctx.state.subscribers.set(key, asRoom(room));
    // A room ends with its gateway: its players must not stay in the match for ever.
    ctx.watch(room);
  }

  /**
   * Asks the activation of the match on `holder` (pinned there: not routed, so it reaches the holder whatever this
   * node's view says) to hand it over to this node now.
   */
  function askHandOver(ctx: Ctx, holder: string): Promise<unknown> {
    const there = new ActorRef<MatchMessage>(ctx.self.kind, ctx.state.matchId, holder, null);
    const ask: HandOverMatchMessage = { type: 'HandOverMatch', body: new Game.MatchHostT(ctx.system.nodeId) };
    return ctx.send(there, ask, { timeoutMs: Math.min(1000, handOverWaitMs) });
  }

  function startTicking(ctx: Ctx): void {
    const state = ctx.state;
    if (state.fenced || suspended.has(state.matchId)) return;
    const running = tickers.get(state.matchId);
    // A restart keeps its activation and its ticker; a new activation replaces the ticker of one that stopped, which
    // would only end once its last tick went stale.
    if (running?.activation === ctx) return;
    if (running !== undefined) stopTicking(state.matchId, running);
    const ticker = new MatchTicker(
      ctx,
      ctx.system,
      ctx.self.kind,
      state.matchId,
      staleTickMs,
      () => {
        ctx.state.overruns++;
        metrics?.skippedByBacklog();
      },
      (why) => tickerEnded(ticker, why),
    );
    tickers.set(state.matchId, ticker);
    scheduler.add(ticker);
    metrics?.matchesActive.set(tickers.size);
  }

  function tickerEnded(ticker: MatchTicker, why: TickerEnd): void {
    if (why === 'tick never settled') {
      options.logger?.warn('match tick never settled; its activation is gone, its ticker removed', {
        match: ticker.matchId,
        afterMs: staleTickMs,
      });
    }
    stopTicking(ticker.matchId, ticker);
  }

  function stopTicking(matchId: string, only?: MatchTicker): void {
    const ticker = tickers.get(matchId);
    if (ticker === undefined || (only !== undefined && ticker !== only)) return;
    tickers.delete(matchId);
    scheduler.remove(ticker);
    metrics?.matchesActive.set(tickers.size);
  }

  /**
   * This host's lease lapsed: it may be cut off, and another host may take its matches once Redis drops it; or Redis
   * is down for every host, and nobody can. (A leave releases the lease too.) The match stops ticking, and so
   * checkpointing, but keeps its state, so that when the lease is renewed it can go on from the very tick it stopped
   * at if it is still this node's.
   */
  function suspend(ctx: Ctx): void {
    const matchId = ctx.state.matchId;
    if (ctx.state.fenced || suspended.has(matchId)) return;
    suspended.add(matchId);
    stopTicking(matchId);
    options.logger?.warn('membership lease lapsed or released; match suspended', { match: matchId });
  }

  /**
   * The lease is renewed: a suspended match goes on if this node owns it and its claim is still the newest, is
   * handed over if a member that wins it arrived meanwhile, and stops writing nothing if another host claimed it.
   */
  async function resume(ctx: Ctx): Promise<void> {
    const state = ctx.state;
    const matchId = state.matchId;
    if (!ctx.system.owns(ctx.self.kind, matchId)) {
      suspended.delete(matchId);
      void handOver(ctx, state, false);
      return;
    }
    const claim = heldClaims.get(matchId)?.claim;
    try {
      if (claim !== undefined) await claims.check(matchId, claim);
    } catch (error) {
      suspended.delete(matchId);
      // A store that cannot say whose the match is now is no ground to go on: the next message loads it afresh.
      fence(ctx, state, error instanceof FencedError ? error.message : `its claim could not be checked: ${error}`);
      return;
    }
    if (!suspended.delete(matchId)) return;
    options.logger?.info('membership lease renewed; match resumed', { match: matchId, tick: state.tick });
    if (state.players.size > 0) startTicking(ctx);
  }

  /**
   * This activation's match is another's now (this node no longer owns it, or a newer activation claimed it): it
   * stops ticking and stops, writing no checkpoint, so the new owner's are never overwritten; its rooms, hearing no
   * more snapshots, join again through routing, which takes them to the new owner.
   */
  function fence(ctx: Ctx, state: MatchState, reason: string): void {
    if (state.fenced) return;
    // The state of a restart since is fenced with it: it holds the same claim.
    state.fenced = true;
    ctx.state.fenced = true;
    options.logger?.warn('match is no longer ours; stopped without a checkpoint', { match: state.matchId, reason });
    metrics?.fenced();
    suspended.delete(state.matchId);
    if (heldClaims.get(state.matchId)?.activation === ctx) heldClaims.delete(state.matchId);
    stopTicking(state.matchId);
    ctx.stop();
  }

  /**
   * This activation stops owning its match with its lease held: a member that wins the match is back, or joined.
   * It stops ticking and stops, then writes a last checkpoint and releases its claim, so the new owner (waiting for
   * the release) resumes from where this one stopped rather than from up to a checkpoint period before.
   */
  function handOver(ctx: Ctx, state: MatchState, deactivated: boolean): Promise<void> {
    if (state.handingOver !== null) return state.handingOver;
    if (state.fenced) return Promise.resolve();
    state.fenced = true;
    ctx.state.fenced = true;
    suspended.delete(state.matchId);
    if (heldClaims.get(state.matchId)?.activation === ctx) heldClaims.delete(state.matchId);
    stopTicking(state.matchId);
    metrics?.handedOver();
    if (!deactivated) ctx.stop();
    const claim = state.claim;
    if (!state.loaded || claim === undefined) return Promise.resolve();
    const started = performance.now();
    const last = (async () => {
      await state.checkpointing?.catch(() => {});
      try {
        // No world snapshot: the world stays where it is, at this match's tick, for the next owner to go on with.
        if (state.players.size > 0) {
          const record = registry.encode({ type: 'MatchCheckpoint', body: matchRecord(state, NO_WORLD) });
          await claims.writeIfMine(state.matchId, claim, handOverKey(state.matchId), record);
        }
      } finally {
        await claims.release(state.matchId, claim);
      }
    })();
    const { system } = ctx;
    const kind = ctx.self.kind;
    state.handingOver = last.then(
      () => {
        options.logger?.info('match handed over', {
          match: state.matchId,
          tick: state.tick,
          ms: Math.round(performance.now() - started),
        });
        // The new owner takes the match now rather than when the next input or rejoin reaches it, which waits for
        // the gateway's view to move it too.
        const owner = system.ownerOf(kind, state.matchId);
        if (owner === undefined || owner === system.nodeId) return;
        const take: HandOverMatchMessage = { type: 'HandOverMatch', body: new Game.MatchHostT(owner) };
        system.tell(system.ref<MatchMessage>(kind, state.matchId), take);
      },
      (error: unknown) =>
        options.logger?.warn('match hand-over incomplete; the next owner resumes from an earlier checkpoint', {
          match: state.matchId,
          error: String(error),
        }),
    );
    return state.handingOver;
  }

  /**
   * The match as a checkpoint, and as a world checkpoint when one is due (the world snapshot is asked of physics
   * now, so call it while no tick runs); else the steps since the last world go in the checkpoint.
   */
  async function encodeCheckpoint(ctx: Ctx, state: MatchState): Promise<{ world?: Uint8Array; latest: Uint8Array }> {
    if (state.worldTick !== undefined && state.tick - state.worldTick < worldEvery) {
      const body = { ...matchRecord(state, NO_WORLD), worldTick: state.worldTick, steps: state.stepLog };
      return { latest: registry.encode({ type: 'MatchCheckpoint', body }) };
    }
    state.worldTick = undefined;
    const snapshot = await physics.snapshot(ctx, state.matchId);
    state.stepLog.clear();
    state.worldTick = state.tick;
    const world = registry.encode({ type: 'MatchCheckpoint', body: matchRecord(state, snapshot) });
    const latest = registry.encode({
      type: 'MatchCheckpoint',
      body: { ...matchRecord(state, NO_WORLD), worldTick: state.tick },
    });
    return { world, latest };
  }

  function matchRecord(state: MatchState, world: Uint8Array): MatchCheckpointBody {
    const slots = [...state.players.values()].map(
      (p) => new Game.PlayerSlotT(p.playerId, p.entity, p.queue.lastApplied, p.score, p.room ?? null, p.name ?? null),
    );
    return {
      matchId: state.matchId,
      tick: state.tick,
      players: slots,
      physics: world,
      mode: state.mode ?? DEFAULT_GAME_MODE,
    };
  }

  /**
   * Stores a checkpoint while `claim` is still the match's newest (else FencedError), within the store deadline: its
   * world first, so that a checkpoint is never stored before the world it goes on from.
   */
  async function writeCheckpoint(
    matchId: string,
    claim: OwnerClaim,
    records: { world?: Uint8Array; latest: Uint8Array },
  ): Promise<void> {
    if (records.world !== undefined)
      await claims.writeIfMine(matchId, claim, worldCheckpointKey(matchId), records.world);
    await claims.writeIfMine(matchId, claim, checkpointKey(matchId), records.latest);
  }

  /**
   * Writes a checkpoint. The world snapshot is taken inside the handler so it matches the players' state; the
   * store write runs on while the match ticks on, one at a time, unless the caller must wait for it.
   */
  async function checkpoint(ctx: Ctx, wait: boolean): Promise<void> {
    const state = ctx.state;
    const started = performance.now();
    const records = await encodeCheckpoint(ctx, state);
    const previous = state.checkpointing;
    const claim = state.claim;
    const write = (async () => {
      // Its failure was its own to report.
      await previous?.catch(() => {});
      if (state.fenced) return;
      if (claim === undefined) throw new Error('a checkpoint of a match not loaded');
      await writeCheckpoint(state.matchId, claim, records);
      metrics?.checkpointed(performance.now() - started, (records.world?.length ?? 0) + records.latest.length);
    })();
    state.checkpointing = write;
    write.then(
      () => {
        if (state.checkpointing === write) state.checkpointing = null;
      },
      (error: unknown) => {
        if (state.checkpointing === write) state.checkpointing = null;
        // The checkpoints after it may go on from a world the store does not have: the next one holds the world.
        if (records.world !== undefined) state.worldTick = undefined;
        if (error instanceof FencedError) fence(ctx, state, error.message);
        else options.logger?.error('match checkpoint failed', { match: state.matchId, error: String(error) });
      },
    );
    if (wait) await write;
  }

  /**
   * Whether the host's clock crossed this match's checkpoint boundary since its last checkpoint. Each match's
   * boundaries are offset by a hash of its id, so matches that started together do not all write in the same tick.
   */
  function checkpointDue(state: MatchState, clock: number): boolean {
    const offset = keyHash(MATCH_KIND, state.matchId) % checkpointEvery;
    const due =
      Math.floor((clock + offset) / checkpointEvery) !==
      Math.floor((state.lastCheckpointClock + offset) / checkpointEvery);
    if (due || state.lastCheckpointClock === 0) state.lastCheckpointClock = clock;
    return due && state.checkpointing === null;
  }

  async function onTick(msg: TickMessage, ctx: Ctx): Promise<void> {
    const state = ctx.state;
    if (msg.tick < scheduler.currentTick - 1 || state.players.size === 0) {
      // A newer tick is already queued behind this one: skipping keeps the match on time instead of in a backlog.
      if (state.players.size > 0) {
        state.overruns++;
        metrics?.skippedByBacklog();
      }
      return;
    }
    const expired = awayTooLong(state);
    if (expired !== undefined) {
      await removeAwayPlayers(ctx, expired);
      if (state.players.size === 0) return;
    }
    state.tick++;
    const inputs = state.stepInputs;
    inputs.length = 0;
    for (const player of state.players.values()) {
      const input = player.queue.take();
      if (input !== undefined) {
        player.move = input.move;
        player.buttons = input.buttons;
        player.ticksWithoutInput = 0;
      } else if (++player.ticksWithoutInput > holdTicks) {
        // A client that went quiet (its connection dropped) stops instead of running on with its last input.
        player.move = null;
        player.buttons = 0;
      }
      const { bodyInput, move } = player;
      // As float32, as the wire and the checkpoint's step log carry it, so that a replay steps the very same input.
      bodyInput.move!.x = Math.fround(move?.x ?? 0);
      bodyInput.move!.y = Math.fround(move?.y ?? 0);
      bodyInput.buttons = player.buttons;
      inputs.push(bodyInput);
    }
    let result: Game.PhysicsStepResultT;
    try {
      result = await physics.step(ctx, state.matchId, state.tick, inputs);
    } catch (error) {
      // The world may or may not have taken the step: the inputs since the last world no longer replay it.
      state.worldTick = undefined;
      throw error;
    }
    if (state.worldTick !== undefined) for (const input of inputs) state.stepLog.push(input);
    // Fenced while the step was out: what it computed is no longer this host's to tell anyone.
    if (state.fenced) return;
    for (const transform of result.moved) state.transforms.set(transform.entity, transform);
    const clock = { tick: state.tick, rateHz: scheduler.rateHz };
    for (const rule of state.rules) rule.onTick(state, clock);
    const full = state.fullSnapshotDue || state.tick % fullEvery === 0;
    state.fullSnapshotDue = false;
    const resumedFrom = state.resumedFrom;
    state.resumedFrom = undefined;
    const players = [...state.players.values()];
    const snapshot = new Game.SnapshotT(
      state.tick,
      players.map((p) => new Game.InputAckT(p.entity, p.queue.lastApplied)),
      full ? [...state.transforms.values()] : result.moved,
      full,
      players.map((p) => new Game.PlayerScoreT(p.entity, p.score)),
      resumedFrom !== undefined,
      resumedFrom ?? 0,
    );
    for (const room of state.subscribers.values()) ctx.tell(room, { type: 'Snapshot', body: snapshot });
    if (checkpointDue(state, msg.tick)) await checkpoint(ctx, false);
  }

  /**
   * Takes a player out of the match and its world; returns the stats the match earned them, keyed by the seat:
   * its entity is never handed out twice in one match (a player who leaves and joins again gets a new one), and a
   * match resumed from a checkpoint removes a player it restored under the same key.
   */
  async function removePlayer(ctx: Ctx, player: PlayerState): Promise<Game.PlayerStatsT> {
    const state = ctx.state;
    state.players.delete(player.playerId);
    for (const rule of state.rules) rule.onLeave?.(state, player);
    state.transforms.delete(player.entity);
    state.fullSnapshotDue = true;
    state.worldTick = undefined;
    await physics.removePlayer(ctx, state.matchId, player.playerId);
    if (state.players.size === 0) stopTicking(state.matchId);
    recordScore(ctx.system, state.mode ?? DEFAULT_GAME_MODE, player);
    return new Game.PlayerStatsT(
      player.playerId,
      1,
      player.score,
      player.score,
      `match:${state.matchId}:${player.entity}`,
    );
  }

  /** Takes players out of the match and, as their gateway would have, adds what they earned in the player store. */
  async function removeStranded(ctx: Ctx, stranded: readonly PlayerState[]): Promise<void> {
    const players = new PlayerClient(ctx.system);
    for (const player of stranded) {
      const { matches, score, xp, opKey } = await removePlayer(ctx, player);
      // Not awaited: the match plays on while the player-store is away.
      void players.addStatsUntilWritten(player.playerId, { matches, score, xp }, opKey as string, {
        logger: options.logger,
        failure: 'player left the match without its room, stats not written',
        fields: { match: ctx.state.matchId },
      });
    }
    if (stranded.length > 0) await checkpoint(ctx, true);
  }

  /** Players whose room went down and who did not come back in time leave the match. */
  /** Players whose rejoin window ran out; checked every tick, so it allocates only when there are some. */
  function awayTooLong(state: MatchState): PlayerState[] | undefined {
    const now = performance.now();
    let expired: PlayerState[] | undefined;
    for (const player of state.players.values()) {
      if (player.awayUntil === undefined || player.awayUntil > now) continue;
      expired ??= [];
      expired.push(player);
    }
    return expired;
  }

  async function removeAwayPlayers(ctx: Ctx, expired: PlayerState[]): Promise<void> {
    options.logger?.warn('players did not come back to the match; they left it', {
      match: ctx.state.matchId,
      players: expired.length,
    });
    await removeStranded(ctx, expired);
  }

  function queueInput(msg: Extract<MatchMessage, { type: 'PlayerInput' }>, ctx: Ctx): void {
    const player = ctx.state.players.get(msg.body.playerId as string);
    if (player === undefined) {
      throw new RefusedError(`player ${msg.body.playerId} is not in match ${ctx.state.matchId}`);
    }
    player.queue.push(msg.body.input!);
    // A ticker that gave the activation up for gone while it was only slow comes back with its players' inputs.
    startTicking(ctx);
  }

  return defineBehavior<MatchState, MatchMessage>({
    initial: (id) => new MatchState(id),
    handlers: {
      JoinMatch: async (msg, ctx) => {
        await ensureLoaded(ctx);
        const state = ctx.state;
        const playerId = msg.body.playerId as string;
        const mode = typeof msg.body.mode === 'string' ? msg.body.mode : undefined;
        if (state.mode === undefined) setMode(state, mode ?? DEFAULT_GAME_MODE);
        else if (mode !== undefined && mode !== state.mode) {
          throw new RefusedError(`match ${state.matchId} plays ${state.mode}, not ${mode}`);
        }
        const room = ctx.sender;
        const roomKey = room?.node === undefined ? undefined : room.toString();
        if (room !== undefined && roomKey !== undefined) subscribe(ctx, room);
        // The room (new, or back after a reconnection) needs the whole match, not just what moves next.
        state.fullSnapshotDue = true;
        let player = state.players.get(playerId);
        if (player === undefined) {
          state.worldTick = undefined;
          const entity = await physics.addPlayer(ctx, state.matchId, playerId);
          player = new PlayerState(playerId, entity, state.inputStats);
          if (typeof msg.body.displayName === 'string') player.name = msg.body.displayName;
          state.players.set(playerId, player);
          await checkpoint(ctx, true);
        } else if (msg.body.restartInputs) {
          player.queue.restart();
        }
        player.room = roomKey;
        player.awayUntil = undefined;
        startTicking(ctx);
        return {
          type: 'JoinAccepted',
          body: new Game.JoinAcceptedT(
            state.matchId,
            playerId,
            player.entity,
            Math.round(scheduler.rateHz),
            state.tick,
            state.mode ?? DEFAULT_GAME_MODE,
          ),
        };
      },
      LeaveMatch: async (msg, ctx) => {
        await ensureLoaded(ctx);
        const state = ctx.state;
        const player = state.players.get(msg.body.playerId as string);
        if (player === undefined) return undefined;
        const stats = await removePlayer(ctx, player);
        await checkpoint(ctx, true);
        return { type: 'PlayerStats', body: stats };
      },
      // A room that ends with players still in it lost its gateway (a room closes only once its players left). Its
      // players keep their seats for the rejoin window, in case their gateway comes back and their clients with it
      // (FindSeat, then JoinMatch from the new room); after it, or at once with no window, they leave the match.
      Down: async (msg, ctx) => {
        await ensureLoaded(ctx);
        const state = ctx.state;
        const key = msg.actor.toString();
        if (!state.subscribers.delete(key)) return;
        const stranded = [...state.players.values()].filter((player) => player.room === key);
        if (stranded.length === 0) return;
        options.logger?.warn('room gone; its players keep their seats for the rejoin window', {
          match: state.matchId,
          room: key,
          players: stranded.length,
          windowMs: rejoinWindowMs,
          reason: msg.reason,
        });
        if (rejoinWindowMs === 0) {
          await removeStranded(ctx, stranded);
          return;
        }
        for (const player of stranded) {
          player.room = undefined;
          player.awayUntil = performance.now() + rejoinWindowMs;
        }
      },
      FindSeat: async (msg, ctx) => {
        await ensureLoaded(ctx);
        const state = ctx.state;
        const player = state.players.get(msg.body.playerId as string);
        if (player === undefined) {
          throw new RefusedError(`player ${msg.body.playerId} has no seat in match ${state.matchId}`);
        }
        return {
          type: 'JoinAccepted',
          body: new Game.JoinAcceptedT(
            state.matchId,
            player.playerId,
            player.entity,
            Math.round(scheduler.rateHz),
            state.tick,
            state.mode ?? DEFAULT_GAME_MODE,
          ),
        };
      },
      // Synchronous once the match is loaded, the hottest message there is (every player's 20 inputs a second): an
      // async handler holds the actor until its promise settles, so each input cost promises and an extra drain.
      PlayerInput: (msg, ctx) => {
        if (!ctx.state.loaded) return ensureLoaded(ctx).then(() => queueInput(msg, ctx));
        queueInput(msg, ctx);
      },
      HandOverMatch: async (msg, ctx) => {
        const to = msg.body.nodeId as string;
        const { kind } = ctx.self;
        const { matchId } = ctx.state;
        const here = ctx.system.nodeId;
        // Told by the host that handed the match over to this one: it goes on here now, not at the next input.
        if (to === here) {
          await ensureLoaded(ctx);
          return;
        }
        // Asked by a member this node does not see yet: the two ids alone say which of them the match belongs to.
        if (ctx.system.owns(kind, matchId) && !outranks(kind, matchId, to, here)) {
          throw new RefusedError(`${here} outranks ${to} for match ${matchId}; it keeps the match`);
        }
        await handOver(ctx, ctx.state, false);
      },
      Tick: async (msg, ctx) => {
        try {
          const state = ctx.state;
          // A node shutting down owns nothing any more, but it is leaving, not cut off: nothing to fence.
          if (state.fenced || !ctx.system.running) return;
          if (!ctx.system.owns(ctx.self.kind, state.matchId)) {
            // Outvoted (a member that wins the match is back): a planned hand-over. The lease lapsed: this node
            // may be cut off and the match taken, so it waits, writing nothing, for the lease to tell.
            if (leaseHeld()) void handOver(ctx, state, false);
            else suspend(ctx);
            return;
          }
          await ensureLoaded(ctx);
          await onTick(msg, ctx);
        } finally {
          msg.ticker.settled();
        }
      },
    },
    // The cluster deactivates what this node stops owning as a member that wins it arrives: a hand-over.
    onDeactivate: (state) => {
      const held = heldClaims.get(state.matchId);
      if (held !== undefined && leaseHeld()) void handOver(held.activation, state, true);
      suspended.delete(state.matchId);
      stopTicking(state.matchId);
      heldClaims.delete(state.matchId);
    },
  });
}

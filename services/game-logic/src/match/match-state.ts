import type { ActorRef } from '@packetflow/actors';
import { Game, type SnapshotMessage, StepInputLog } from '@packetflow/protocol';
import { InputQueue, type InputStats } from './input-queue.js';
import type { OwnerClaim } from './owner-claim.js';
import type { MatchRule } from './rules/match-rule.js';

export class PlayerState {
  readonly queue: InputQueue;
  score = 0;
  /** The display name the player joined with, for the leaderboard; undefined when none was given. */
  name: string | undefined;
  /** Movement of the last applied input, held for a few ticks while no new input arrives so motion does not stutter. */
  move: Game.Vec2T | null = null;
  buttons = 0;
  ticksWithoutInput = 0;
  /** The room (its address as a string) the player joined through last: its end takes the player out. */
  room: string | undefined;
  /**
   * Set while the player's room is gone (its gateway died): until this time (performance.now()) the player keeps
   * their seat, entity and score for their client to come back through a new room; then they leave the match.
   */
  awayUntil: number | undefined;
  /**
   * What the player's body does this tick, as the physics step takes it: one object per player, rewritten every
   * tick, since the step has read it (or encoded it for another node) before the next tick starts.
   */
  readonly bodyInput: Game.BodyInputT;

  constructor(
    readonly playerId: string,
    readonly entity: number,
    stats: InputStats,
  ) {
    this.queue = new InputQueue(stats);
    this.bodyInput = new Game.BodyInputT(entity, new Game.Vec2T(0, 0), 0);
  }
}

/** Everything a Match actor holds in memory; a checkpoint stores enough of it to resume elsewhere. */
export class MatchState {
  readonly players = new Map<string, PlayerState>();
  /** Latest transform of every entity the physics world has reported. */
  readonly transforms = new Map<number, Game.EntityTransformT>();
  /** The players' inputs of the tick being stepped (their `bodyInput`s): refilled every tick. */
  readonly stepInputs: Game.BodyInputT[] = [];
  /** Pinned addresses (gateway rooms) that receive a snapshot every tick. */
  readonly subscribers = new Map<string, ActorRef<SnapshotMessage>>();
  /** The `touch` rule's memory: player entity → prop entities it is touching now, so a touch scores once. */
  readonly touching = new Map<number, Set<number>>();
  readonly inputStats: InputStats = { applied: 0, late: 0, duplicate: 0, overflow: 0 };
  /** The game mode, set by the first join or the checkpoint; undefined until then. */
  mode: string | undefined;
  /** The mode's rules, run in order after every physics step. */
  rules: readonly MatchRule[] = [];
  tick = 0;
  /**
   * The tick of the world snapshot this activation's last world checkpoint holds, which `stepLog` goes on from;
   * undefined while the next checkpoint must hold the world (none yet, or the world changed outside a step).
   */
  worldTick: number | undefined;
  /** The players' inputs of every physics step since `worldTick`, one per player per step, in the players' order. */
  readonly stepLog = new StepInputLog();
  /** The scheduler tick of the last checkpoint; checkpoints follow the host's clock, not the match's own ticks. */
  lastCheckpointClock = 0;
  /** A checkpoint write still on its way to the store; the next one waits for it. */
  checkpointing: Promise<void> | null = null;
  /** Whether the checkpoint (if any) has been read since this activation began. */
  loaded = false;
  /** This activation's claim on the match, taken as it loads: its checkpoints are written only while it holds. */
  claim: OwnerClaim | undefined;
  /** The match is no longer this activation's (not owned here, or claimed since): it writes and ticks no more. */
  fenced = false;
  /** Ticks dropped because the match was still busy with an earlier one. */
  overruns = 0;
  /** The next snapshot carries every entity: a player joined or left (or the match just began here). */
  fullSnapshotDue = true;
  /** The tick this activation resumed the match from (a checkpoint's or a hand-over's), until a snapshot said so. */
  resumedFrom: number | undefined;
  /** This activation's hand-over to another host, once begun: its last record written and its claim released. */
  handingOver: Promise<void> | null = null;

  constructor(readonly matchId: string) {}
}

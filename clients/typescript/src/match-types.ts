// Plain, readonly shapes of what the SDK hands to game code. The generated FlatBuffers objects have nullable
// struct fields and mutable classes; game code should not have to care.

/** A point or direction on the ground plane. */
export interface Vec2 {
  readonly x: number;
  readonly y: number;
}

export interface Vec3 {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** A unit quaternion. */
export interface Quat {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly w: number;
}

/** Where an entity is and which way it faces. */
export interface Pose {
  readonly position: Vec3;
  readonly rotation: Quat;
}

/** One entity (a player body or a prop) in a snapshot. */
export interface EntityState extends Pose {
  readonly entity: number;
}

/** The last input sequence number the server applied for one player's entity. */
export interface InputAck {
  readonly entity: number;
  readonly sequence: number;
}

/** One player's score, by the entity it controls. */
export interface PlayerScore {
  readonly entity: number;
  readonly score: number;
}

/** One `Snapshot` table as the gateway sends it: the whole match when `full`, else what moved that tick. */
export interface SnapshotPacket {
  readonly serverTick: number;
  readonly acks: readonly InputAck[];
  readonly entities: readonly EntityState[];
  readonly full: boolean;
  readonly scores: readonly PlayerScore[];
  /** Set on the first snapshot of a match that resumed on another host: the tick it went on from. */
  readonly resumedFromTick?: number;
}

/** The state of a match after one server tick. */
export interface MatchSnapshot {
  readonly serverTick: number;
  readonly acks: readonly InputAck[];
  /**
   * Every entity of the match as of this tick: the ones this snapshot carried, and for a partial snapshot every
   * other one where it was last seen (the match sends only what moved between its full snapshots).
   */
  readonly entities: readonly EntityState[];
  /** The entities this snapshot carried: all of them when `full`, else those that moved during the tick. */
  readonly moved: readonly EntityState[];
  /** Whether the gateway sent the whole match (after a join or a leave, and once a second). */
  readonly full: boolean;
  /** Every player's score. */
  readonly scores: readonly PlayerScore[];
  /**
   * Set on the first snapshot of a match that resumed on another host (its own died or handed it over): the tick it
   * went on from. This snapshot is full, and its tick and acks may be behind ones seen before: the match went back
   * that far, and the gateway gives it the inputs it had not applied again, so they are acknowledged anew. The
   * interpolation buffer starts afresh from it; prediction should reconcile against it as against any snapshot.
   */
  readonly resumedFromTick?: number;
}

/** What the gateway confirms when a player joins a match, and again after every reconnection. */
export interface JoinInfo {
  readonly matchId: string;
  readonly playerId: string;
  /** The entity this player controls in snapshots. */
  readonly entity: number;
  /** Server ticks per second. */
  readonly tickRate: number;
  /** The match's tick when the join was accepted. */
  readonly serverTick: number;
  /** The match's game mode (`touch` or `king`; `touch` from a gateway that predates modes). */
  readonly mode: string;
}

/** One input sample, as game code gives it to `MatchConnection.sendInput`. */
export interface InputSample {
  /** Movement intent on the ground plane, each axis in [-1, 1] (x → +x, y → +z in the world). */
  readonly move: Vec2;
  /** Aim as yaw (x) and pitch (y) in radians. */
  readonly aim?: Vec2;
  /** A bit set of `Buttons` held down. */
  readonly buttons?: number;
  /** The client's own simulation tick, echoed for the game's use; 0 when not given. */
  readonly clientTick?: number;
}

/**
 * Bits of `InputSample.buttons`: game.fbs `Buttons`, which the protocol package's index does not re-export
 * (a test checks these values against the schema).
 */
export const Buttons = {
  Jump: 1,
  Fire: 2,
  Use: 4,
  Sprint: 8,
} as const;

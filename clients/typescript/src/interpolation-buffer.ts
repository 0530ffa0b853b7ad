// Smooth rendering of other entities from snapshots that arrive at the tick rate with network jitter: render a
// little in the past, between the two snapshots around that moment.
import type { EntityState, Pose, Quat, Vec3 } from './match-types.js';

export interface InterpolationOptions {
  /** Server ticks per second. */
  readonly tickRate: number;
  /** How far behind the newest snapshot to render, in ms; two ticks unless set. */
  readonly delayMs?: number;
  /** How far past the newest snapshot positions may be extrapolated, in ms; one tick unless set. */
  readonly maxExtrapolationMs?: number;
  /** Snapshots kept; 64 unless set (about two seconds at 30 Hz). */
  readonly capacity?: number;
}

/** The entities' poses at one render time. */
export interface InterpolatedFrame {
  /** The (fractional) server tick the frame shows. */
  readonly tick: number;
  /** Milliseconds the frame lies past the newest snapshot (extrapolated), 0 when it lies between snapshots. */
  readonly extrapolatedMs: number;
  readonly entities: ReadonlyMap<number, Pose>;
}

interface BufferedSnapshot {
  readonly tick: number;
  readonly receivedAtMs: number;
  readonly list: readonly EntityState[];
  /** The entities by id, made when the snapshot is first sampled: a client that never renders never pays for it. */
  byEntity: ReadonlyMap<number, Pose> | undefined;
}

function posesOf(snapshot: BufferedSnapshot): ReadonlyMap<number, Pose> {
  if (snapshot.byEntity === undefined) {
    const poses = new Map<number, Pose>();
    for (const e of snapshot.list) poses.set(e.entity, e);
    snapshot.byEntity = poses;
  }
  return snapshot.byEntity;
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

function lerpVec3(a: Vec3, b: Vec3, t: number): Vec3 {
  return { x: lerp(a.x, b.x, t), y: lerp(a.y, b.y, t), z: lerp(a.z, b.z, t) };
}

/** Spherical interpolation along the shorter arc; normalised lerp where the arc is too short for slerp's division. */
export function slerp(a: Quat, b: Quat, t: number): Quat {
  let dot = a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w;
  // q and -q are the same rotation; going to the one on a's side takes the short way round.
  const sign = dot < 0 ? -1 : 1;
  dot *= sign;
  let wa: number;
  let wb: number;
  if (dot > 0.9995) {
    wa = 1 - t;
    wb = t * sign;
  } else {
    const theta = Math.acos(dot);
    const sin = Math.sin(theta);
    wa = Math.sin((1 - t) * theta) / sin;
    wb = (Math.sin(t * theta) / sin) * sign;
  }
  const x = wa * a.x + wb * b.x;
  const y = wa * a.y + wb * b.y;
  const z = wa * a.z + wb * b.z;
  const w = wa * a.w + wb * b.w;
  const length = Math.hypot(x, y, z, w) || 1;
  return { x: x / length, y: y / length, z: z / length, w: w / length };
}

/**
 * Snapshots by server tick, each with its local receive time, sampled at a render time. Ticks are placed on the
 * local clock by the offset `receivedAt - tick × tickMs` of the least delayed snapshot in the buffer, so one late
 * snapshot does not jerk the timeline; the render time minus the delay then falls between two snapshots, whose
 * positions are lerped and rotations slerped. An entity missing from the older snapshot (it just appeared) is
 * shown where the newer one has it; one missing from the newer snapshot (it left) is no longer shown.
 */
export class InterpolationBuffer {
  readonly tickMs: number;
  readonly delayMs: number;
  readonly maxExtrapolationMs: number;
  private readonly capacity: number;
  private readonly snapshots: BufferedSnapshot[] = [];

  constructor(options: InterpolationOptions) {
    const { tickRate } = options;
    if (!(Number.isFinite(tickRate) && tickRate > 0))
      throw new RangeError(`tickRate must be positive, got ${tickRate}`);
    this.tickMs = 1000 / tickRate;
    this.delayMs = options.delayMs ?? 2 * this.tickMs;
    this.maxExtrapolationMs = options.maxExtrapolationMs ?? this.tickMs;
    this.capacity = options.capacity ?? 64;
    if (!(this.delayMs >= 0 && this.maxExtrapolationMs >= 0)) throw new RangeError('delays must not be negative');
    if (!(Number.isInteger(this.capacity) && this.capacity >= 2)) throw new RangeError('capacity must be 2 or more');
  }

  /**
   * Adds a snapshot. A duplicate tick or one older than everything buffered is dropped as late, unless it lies so
   * far back that the match must have restarted its clock (resumed from a checkpoint elsewhere): then the buffer
   * starts over from it.
   */
  push(tick: number, receivedAtMs: number, entities: readonly EntityState[]): void {
    const snapshots = this.snapshots;
    const newest = snapshots.at(-1);
    if (newest !== undefined && tick <= newest.tick) {
      if (newest.tick - tick > this.capacity) snapshots.length = 0;
      else if (tick < snapshots[0]!.tick || snapshots.some((s) => s.tick === tick)) return;
    }
    let at = snapshots.length;
    while (at > 0 && snapshots[at - 1]!.tick > tick) at--;
    snapshots.splice(at, 0, { tick, receivedAtMs, list: entities, byEntity: undefined });
    if (snapshots.length > this.capacity) snapshots.shift();
  }

  /** Forgets every snapshot. */
  clear(): void {
    this.snapshots.length = 0;
  }

  /** Snapshots buffered. */
  get size(): number {
    return this.snapshots.length;
  }

  /** The newest server tick buffered, or undefined when empty. */
  get newestTick(): number | undefined {
    return this.snapshots.at(-1)?.tick;
  }

  /** The server tick shown at a local render time (fractional); undefined while the buffer is empty. */
  tickAt(renderTimeMs: number): number | undefined {
    if (this.snapshots.length === 0) return undefined;
    let offset = Number.POSITIVE_INFINITY;
    for (const s of this.snapshots) offset = Math.min(offset, s.receivedAtMs - s.tick * this.tickMs);
    return (renderTimeMs - this.delayMs - offset) / this.tickMs;
  }

  /** The poses at a local render time, on the clock the receive times were given on; undefined while empty. */
  sample(renderTimeMs: number): InterpolatedFrame | undefined {
    const tick = this.tickAt(renderTimeMs);
    if (tick === undefined) return undefined;
    const snapshots = this.snapshots;
    const first = snapshots[0]!;
    if (tick <= first.tick) return { tick: first.tick, extrapolatedMs: 0, entities: posesOf(first) };
    let after = 1;
    while (after < snapshots.length && snapshots[after]!.tick < tick) after++;
    if (after < snapshots.length) {
      const a = snapshots[after - 1]!;
      const b = snapshots[after]!;
      return { tick, extrapolatedMs: 0, entities: blend(a, b, (tick - a.tick) / (b.tick - a.tick)) };
    }
    return this.extrapolate(tick);
  }

  /** Carries positions on at the velocity between the last two snapshots, for at most `maxExtrapolationMs`. */
  private extrapolate(tick: number): InterpolatedFrame {
    const snapshots = this.snapshots;
    const newest = snapshots.at(-1)!;
    const extrapolatedMs = Math.min((tick - newest.tick) * this.tickMs, this.maxExtrapolationMs);
    const shownTick = newest.tick + extrapolatedMs / this.tickMs;
    const previous = snapshots.at(-2);
    if (previous === undefined || extrapolatedMs === 0) {
      return { tick: shownTick, extrapolatedMs, entities: posesOf(newest) };
    }
    // Rotations hold at the newest: spinning an entity on past where the server had it looks worse than a pause.
    const t = 1 + (shownTick - newest.tick) / (newest.tick - previous.tick);
    const entities = new Map<number, Pose>();
    const earlier = posesOf(previous);
    for (const [entity, pose] of posesOf(newest)) {
      const before = earlier.get(entity);
      entities.set(
        entity,
        before === undefined
          ? pose
          : { position: lerpVec3(before.position, pose.position, t), rotation: pose.rotation },
      );
    }
    return { tick: shownTick, extrapolatedMs, entities };
  }
}

function blend(a: BufferedSnapshot, b: BufferedSnapshot, t: number): Map<number, Pose> {
  const entities = new Map<number, Pose>();
  const start = posesOf(a);
  for (const [entity, to] of posesOf(b)) {
    const from = start.get(entity);
    entities.set(
      entity,
      from === undefined
        ? to
        : { position: lerpVec3(from.position, to.position, t), rotation: slerp(from.rotation, to.rotation, t) },
    );
  }
  return entities;
}

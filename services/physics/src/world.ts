import { inflateRawSync } from 'node:zlib';
import type { RigidBody, World } from '@dimforge/rapier3d-compat';
import { RefusedError } from '@packetflow/actors';
import { type BodyInputLike, Game } from '@packetflow/protocol';
import type { PhysicsEngine } from './engine.js';
import { FIRST_PLAYER_ENTITY, FIRST_PROP_ENTITY, isPlayerEntity, MAX_ENTITY, MAX_PROPS } from './entities.js';

/** Settings of one world. Every field has a default; they travel inside its snapshots. */
export interface PhysicsWorldOptions {
  /** Fixed step in seconds; 1/30 unless set. */
  readonly dt?: number;
  /** Dynamic boxes in the arena (entities 1..props); 32 unless set, at most 999. */
  readonly props?: number;
  /** Most players at once; 64 unless set. */
  readonly maxPlayers?: number;
  /** Half the side of the square arena floor, in metres; 20 unless set. */
  readonly arenaHalfSize?: number;
  /** Ground speed of a player at full `move`, in m/s; 5 unless set (× 1.5 with Sprint). */
  readonly playerSpeed?: number;
  /** Upward speed a jump gives, in m/s; 6 unless set. */
  readonly jumpSpeed?: number;
}

export type ResolvedWorldOptions = Required<PhysicsWorldOptions>;

export const DEFAULT_WORLD_OPTIONS: ResolvedWorldOptions = Object.freeze({
  dt: 1 / 30,
  props: 32,
  maxPlayers: 64,
  arenaHalfSize: 20,
  playerSpeed: 5,
  jumpSpeed: 6,
});

/** `Buttons` bits of game.fbs (the protocol's index does not re-export that enum): Jump = 1, Sprint = 8. */
export const BUTTON_JUMP = 1;
export const BUTTON_SPRINT = 8;

const GRAVITY = -9.81;
const WALL_HEIGHT = 4;
const WALL_THICKNESS = 0.5;
const PROP_HALF = 0.4;
const PLAYER_RADIUS = 0.4;
const PLAYER_HALF_HEIGHT = 0.5;
const SPRINT = 1.5;
const GROUND_PROBE = 0.1;

const SNAPSHOT_MAGIC = 0x5750_4650; // "PFPW" little-endian
/**
 * Version 2 stores the payload as it is; version 1 deflated it, which cost about ten times Rapier's own snapshot of a
 * match world (0.66 ms against 0.06 ms, once a second per match) to save 50 KB a checkpoint. Both restore.
 */
const SNAPSHOT_VERSION = 2;
const DEFLATED_SNAPSHOT_VERSION = 1;
const SNAPSHOT_HEADER = 12;

/** What a snapshot keeps beside Rapier's own bytes. */
interface SnapshotMeta {
  engine: string;
  options: ResolvedWorldOptions;
  lastTick: number;
  nextPlayer: number;
  /** [entity, body handle] in reporting order (props first, then players in join order). */
  bodies: [number, number][];
  /** [player id, entity]. */
  players: [string, number][];
  /** [entity, px, py, pz, qx, qy, qz, qw, reported 0|1]: what was last reported, as float32 values. */
  reported: number[][];
}

function engineTag(engine: PhysicsEngine): string {
  return `${engine.variant}@${engine.version}`;
}

function resolveOptions(options: PhysicsWorldOptions): ResolvedWorldOptions {
  const o = { ...DEFAULT_WORLD_OPTIONS, ...options };
  const problems: string[] = [];
  if (!(o.dt > 0 && o.dt <= 1)) problems.push(`dt must be in (0, 1] seconds, got ${o.dt}`);
  if (!(Number.isInteger(o.props) && o.props >= 0 && o.props <= MAX_PROPS))
    problems.push(`props must be an integer 0–${MAX_PROPS}, got ${o.props}`);
  if (!(Number.isInteger(o.maxPlayers) && o.maxPlayers >= 0)) problems.push(`maxPlayers must be an integer ≥ 0`);
  if (!(o.arenaHalfSize >= 5 && o.arenaHalfSize <= 1000)) problems.push(`arenaHalfSize must be in [5, 1000]`);
  if (!(o.playerSpeed >= 0 && o.playerSpeed <= 100)) problems.push(`playerSpeed must be in [0, 100]`);
  if (!(o.jumpSpeed >= 0 && o.jumpSpeed <= 100)) problems.push(`jumpSpeed must be in [0, 100]`);
  if (problems.length > 0) throw new Error(`invalid physics world options: ${problems.join('; ')}`);
  return Object.freeze(o);
}

function clampAxis(value: number): number {
  return Math.min(1, Math.max(-1, value));
}

/**
 * One match's Rapier3D world: an arena (floor and four walls), dynamic boxes as props and a dynamic capsule per
 * player, moved by setting its ground velocity from the input's `move` (x → +x, y → +z) and jumping on `Buttons.Jump`
 * when standing on something. Steps are fixed (`dt`); the same inputs give bitwise the same transforms within one
 * Rapier variant. Every method validates its whole input before changing anything, so a refused call changes
 * nothing.
 */
export class PhysicsWorld {
  readonly engine: PhysicsEngine;
  readonly options: ResolvedWorldOptions;
  private world: World;
  /** Entities in reporting order: props, then players in join order. */
  private readonly order: number[] = [];
  private readonly bodies = new Map<number, RigidBody>();
  private readonly players = new Map<string, number>();
  private readonly playerIds = new Map<number, string>();
  /** Last reported transform per entity: px py pz qx qy qz qw reported(0|1), as float32. */
  private readonly reported = new Map<number, Float32Array>();
  private readonly current = new Float32Array(7);
  private readonly inputByEntity = new Map<number, BodyInputLike>();
  private nextPlayer = FIRST_PLAYER_ENTITY;
  private last = -1;
  private freed = false;

  private constructor(engine: PhysicsEngine, options: ResolvedWorldOptions, world: World) {
    this.engine = engine;
    this.options = options;
    this.world = world;
  }

  /** A new world with its arena and props at their starting places. */
  static create(engine: PhysicsEngine, options: PhysicsWorldOptions = {}): PhysicsWorld {
    const resolved = resolveOptions(options);
    const R = engine.rapier;
    const world = new R.World({ x: 0, y: GRAVITY, z: 0 });
    world.timestep = resolved.dt;
    const self = new PhysicsWorld(engine, resolved, world);
    self.buildArena();
    for (let i = 0; i < resolved.props; i++) self.addProp(FIRST_PROP_ENTITY + i, i);
    return self;
  }

  /** The tick of the last step, or -1 before the first. */
  get lastTick(): number {
    return this.last;
  }

  get playerCount(): number {
    return this.players.size;
  }

  /** The entity of a player in this world, if it has joined. */
  entityOf(playerId: string): number | undefined {
    return this.players.get(playerId);
  }

  /** Every entity in reporting order (props, then players). */
  entities(): number[] {
    return [...this.order];
  }

  private buildArena(): void {
    const R = this.engine.rapier;
    const h = this.options.arenaHalfSize;
    const w = this.world;
    w.createCollider(R.ColliderDesc.cuboid(h, 0.5, h).setTranslation(0, -0.5, 0));
    const y = WALL_HEIGHT / 2;
    const t = WALL_THICKNESS;
    w.createCollider(R.ColliderDesc.cuboid(h + 2 * t, y, t).setTranslation(0, y, h + t));
    w.createCollider(R.ColliderDesc.cuboid(h + 2 * t, y, t).setTranslation(0, y, -h - t));
    w.createCollider(R.ColliderDesc.cuboid(t, y, h).setTranslation(h + t, y, 0));
    w.createCollider(R.ColliderDesc.cuboid(t, y, h).setTranslation(-h - t, y, 0));
  }

  /** Props start in stacks of three on a grid around the centre, each layer slightly turned so they tumble. */
  private addProp(entity: number, index: number): void {
    const R = this.engine.rapier;
    const column = Math.floor(index / 3);
    const layer = index % 3;
    const perRow = 6;
    const spacing = 2.5;
    const x = ((column % perRow) - (perRow - 1) / 2) * spacing;
    const z = (Math.floor(column / perRow) - 1) * spacing;
    const angle = 0.3 * layer + 0.1 * column;
    const desc = R.RigidBodyDesc.dynamic()
      .setTranslation(x, PROP_HALF + 0.05 + layer * (2 * PROP_HALF + 0.3), z)
      .setRotation({ x: 0, y: Math.sin(angle / 2), z: 0, w: Math.cos(angle / 2) });
    const body = this.world.createRigidBody(desc);
    this.world.createCollider(R.ColliderDesc.cuboid(PROP_HALF, PROP_HALF, PROP_HALF).setDensity(0.5), body);
    this.track(entity, body);
  }

  private track(entity: number, body: RigidBody): void {
    this.order.push(entity);
    this.bodies.set(entity, body);
    const last = new Float32Array(8).fill(Number.NaN);
    last[7] = 0;
    this.reported.set(entity, last);
  }

  private alive(): void {
    if (this.freed) throw new Error('this physics world has been freed');
  }

  /**
   * Adds a player's body at a spawn point on a ring around the centre and returns its entity. Joining again with a
   * player already in the world returns its entity and changes nothing.
   */
  addPlayer(playerId: string): number {
    this.alive();
    if (typeof playerId !== 'string' || playerId.length === 0)
      throw new RefusedError('player id must be a non-empty string');
    const existing = this.players.get(playerId);
    if (existing !== undefined) return existing;
    if (this.players.size >= this.options.maxPlayers)
      throw new RefusedError(`the world is full: ${this.options.maxPlayers} players at most`);
    if (this.nextPlayer > MAX_ENTITY) throw new RefusedError('player entity numbers are exhausted');
    const entity = this.nextPlayer++;
    const R = this.engine.rapier;
    const slot = (entity - FIRST_PLAYER_ENTITY) % 8;
    const ring = Math.min(this.options.arenaHalfSize - 2, 10);
    const angle = (slot / 8) * 2 * Math.PI;
    const lift = Math.floor((entity - FIRST_PLAYER_ENTITY) / 8) % 4;
    const desc = R.RigidBodyDesc.dynamic()
      .setTranslation(
        Math.cos(angle) * ring,
        PLAYER_HALF_HEIGHT + PLAYER_RADIUS + 0.05 + lift * 2,
        Math.sin(angle) * ring,
      )
      .lockRotations()
      .setCcdEnabled(true);
    const body = this.world.createRigidBody(desc);
    this.world.createCollider(R.ColliderDesc.capsule(PLAYER_HALF_HEIGHT, PLAYER_RADIUS).setFriction(0), body);
    this.track(entity, body);
    this.players.set(playerId, entity);
    this.playerIds.set(entity, playerId);
    return entity;
  }

  /** Removes a player's body; returns its entity. Throws for a player that is not in the world. */
  removePlayer(playerId: string): number {
    this.alive();
    const entity = this.players.get(playerId);
    if (entity === undefined) throw new RefusedError(`player ${playerId} is not in this physics world`);
    const body = this.bodies.get(entity) as RigidBody;
    this.world.removeRigidBody(body);
    this.bodies.delete(entity);
    this.reported.delete(entity);
    this.order.splice(this.order.indexOf(entity), 1);
    this.players.delete(playerId);
    this.playerIds.delete(entity);
    return entity;
  }

  /** The player id of a player entity, if it is in the world. */
  playerOf(entity: number): string | undefined {
    return this.playerIds.get(entity);
  }

  /**
   * Applies each player's input and advances the world by one fixed step; returns the transforms of the bodies that
   * moved (their float32 position or rotation differs from what was last reported). Players without an input this
   * step stand still horizontally. Refused, changing nothing: a tick that is not after the last one, an input for an
   * entity that is not a player here, two inputs for one entity, non-finite numbers. `move` axes are clamped to
   * [-1, 1] and a longer diagonal is scaled down to length 1.
   */
  step(tick: number, inputs: readonly BodyInputLike[]): Game.EntityTransformT[] {
    this.alive();
    if (!(Number.isInteger(tick) && tick >= 0 && tick <= MAX_ENTITY))
      throw new RefusedError(`tick must be an integer 0–${MAX_ENTITY}, got ${tick}`);
    if (tick <= this.last) throw new RefusedError(`tick ${tick} does not come after the last step's tick ${this.last}`);
    const byEntity = this.inputByEntity;
    byEntity.clear();
    for (const input of inputs) {
      const entity = input.entity;
      if (!this.playerIds.has(entity)) {
        byEntity.clear();
        throw new RefusedError(
          isPlayerEntity(entity)
            ? `entity ${entity} is not a player in this physics world`
            : `entity ${entity} is not a player entity (players are numbered from ${FIRST_PLAYER_ENTITY})`,
        );
      }
      if (byEntity.has(entity)) {
        byEntity.clear();
        throw new RefusedError(`two inputs for entity ${entity} in one step`);
      }
      const move = input.move;
      if (move !== null && !(Number.isFinite(move.x) && Number.isFinite(move.y))) {
        byEntity.clear();
        throw new RefusedError(`entity ${entity}: move must be finite, got (${move.x}, ${move.y})`);
      }
      if (!(Number.isInteger(input.buttons) && input.buttons >= 0 && input.buttons <= MAX_ENTITY)) {
        byEntity.clear();
        throw new RefusedError(`entity ${entity}: buttons must be a uint32 bit set, got ${input.buttons}`);
      }
      byEntity.set(entity, input);
    }
    for (const [entity] of this.playerIds) this.applyInput(entity, byEntity.get(entity));
    byEntity.clear();
    this.world.step();
    this.last = tick;
    return this.collectMoved();
  }

  private applyInput(entity: number, input: BodyInputLike | undefined): void {
    const body = this.bodies.get(entity) as RigidBody;
    let mx = 0;
    let mz = 0;
    let buttons = 0;
    if (input !== undefined) {
      buttons = input.buttons;
      if (input.move !== null) {
        mx = clampAxis(input.move.x);
        mz = clampAxis(input.move.y);
        const length = Math.hypot(mx, mz);
        if (length > 1) {
          mx /= length;
          mz /= length;
        }
      }
    }
    const speed = this.options.playerSpeed * ((buttons & BUTTON_SPRINT) !== 0 ? SPRINT : 1);
    const velocity = body.linvel();
    let vy = velocity.y;
    let wake = mx !== 0 || mz !== 0;
    if ((buttons & BUTTON_JUMP) !== 0 && this.grounded(body)) {
      vy = this.options.jumpSpeed;
      wake = true;
    }
    if (wake || !body.isSleeping()) body.setLinvel({ x: mx * speed, y: vy, z: mz * speed }, wake);
  }

  /** Whether something is right under the capsule's bottom. */
  private grounded(body: RigidBody): boolean {
    const R = this.engine.rapier;
    const ray = new R.Ray(body.translation(), { x: 0, y: -1, z: 0 });
    const reach = PLAYER_HALF_HEIGHT + PLAYER_RADIUS + GROUND_PROBE;
    return this.world.castRay(ray, reach, true, undefined, undefined, undefined, body) !== null;
  }

  private collectMoved(): Game.EntityTransformT[] {
    const moved: Game.EntityTransformT[] = [];
    const now = this.current;
    for (const entity of this.order) {
      const body = this.bodies.get(entity) as RigidBody;
      const last = this.reported.get(entity) as Float32Array;
      if (last[7] === 1 && body.isSleeping()) continue;
      const t = body.translation();
      const r = body.rotation();
      now[0] = t.x;
      now[1] = t.y;
      now[2] = t.z;
      now[3] = r.x;
      now[4] = r.y;
      now[5] = r.z;
      now[6] = r.w;
      let changed = last[7] !== 1;
      for (let i = 0; i < 7 && !changed; i++) changed = now[i] !== last[i];
      if (!changed) continue;
      last.set(now);
      last[7] = 1;
      moved.push(
        new Game.EntityTransformT(
          entity,
          new Game.Vec3T(now[0], now[1], now[2]),
          new Game.QuatT(now[3], now[4], now[5], now[6]),
        ),
      );
    }
    return moved;
  }

  /** The current transform of every body (sleeping or not), in reporting order. */
  transforms(): Game.EntityTransformT[] {
    this.alive();
    return this.order.map((entity) => {
      const body = this.bodies.get(entity) as RigidBody;
      const t = body.translation();
      const r = body.rotation();
      return new Game.EntityTransformT(
        entity,
        new Game.Vec3T(Math.fround(t.x), Math.fround(t.y), Math.fround(t.z)),
        new Game.QuatT(Math.fround(r.x), Math.fround(r.y), Math.fround(r.z), Math.fround(r.w)),
      );
    });
  }

  /** Whether a body is asleep (at rest). */
  isSleeping(entity: number): boolean {
    const body = this.bodies.get(entity);
    if (body === undefined) throw new RefusedError(`no entity ${entity} in this physics world`);
    return body.isSleeping();
  }

  /**
   * The world as bytes (format in the README): a 12-byte header ("PFPW" magic, format version, metadata length),
   * JSON metadata (options, last tick, entity ↔ body handle map, players, last reported transforms) and Rapier's
   * `World.takeSnapshot()`.
   */
  snapshot(): Uint8Array {
    this.alive();
    const meta: SnapshotMeta = {
      engine: engineTag(this.engine),
      options: this.options,
      lastTick: this.last,
      nextPlayer: this.nextPlayer,
      bodies: this.order.map((entity) => [entity, (this.bodies.get(entity) as RigidBody).handle]),
      players: [...this.players],
      reported: this.order.map((entity) => [entity, ...(this.reported.get(entity) as Float32Array)]),
    };
    const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
    const rapierBytes = this.world.takeSnapshot();
    const out = new Uint8Array(SNAPSHOT_HEADER + metaBytes.length + rapierBytes.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, SNAPSHOT_MAGIC, true);
    view.setUint32(4, SNAPSHOT_VERSION, true);
    view.setUint32(8, metaBytes.length, true);
    out.set(metaBytes, SNAPSHOT_HEADER);
    out.set(rapierBytes, SNAPSHOT_HEADER + metaBytes.length);
    return out;
  }

  /** A world from `snapshot()` bytes, continuing exactly where the original was. Throws on bytes it cannot use. */
  static restore(engine: PhysicsEngine, bytes: Uint8Array): PhysicsWorld {
    if (!(bytes instanceof Uint8Array) || bytes.length < SNAPSHOT_HEADER)
      throw new RefusedError('not a physics snapshot: too short');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== SNAPSHOT_MAGIC) throw new RefusedError('not a physics snapshot: bad magic');
    const version = view.getUint32(4, true);
    if (version !== SNAPSHOT_VERSION && version !== DEFLATED_SNAPSHOT_VERSION) {
      throw new RefusedError(`unsupported physics snapshot format version ${version}`);
    }
    const metaLength = view.getUint32(8, true);
    let payload: Buffer;
    if (version === SNAPSHOT_VERSION) {
      payload = Buffer.from(bytes.buffer, bytes.byteOffset + SNAPSHOT_HEADER, bytes.byteLength - SNAPSHOT_HEADER);
    } else {
      try {
        payload = inflateRawSync(bytes.subarray(SNAPSHOT_HEADER), { maxOutputLength: 64 * 1024 * 1024 });
      } catch (error) {
        throw new RefusedError(`physics snapshot is corrupt: ${(error as Error).message}`);
      }
    }
    if (metaLength > payload.length)
      throw new RefusedError('physics snapshot is corrupt: metadata overruns the payload');
    let meta: SnapshotMeta;
    try {
      meta = JSON.parse(payload.subarray(0, metaLength).toString('utf8')) as SnapshotMeta;
    } catch {
      throw new RefusedError('physics snapshot is corrupt: unreadable metadata');
    }
    const tag = engineTag(engine);
    if (meta.engine !== tag)
      throw new RefusedError(`physics snapshot was taken by Rapier ${meta.engine}; this host runs ${tag}`);
    const options = resolveOptions(meta.options);
    const rapierBytes = new Uint8Array(payload.buffer, payload.byteOffset + metaLength, payload.length - metaLength);
    let world: World;
    try {
      world = engine.rapier.World.restoreSnapshot(rapierBytes);
    } catch (error) {
      throw new RefusedError(`Rapier could not restore the physics snapshot: ${(error as Error).message}`);
    }
    if (!world) throw new RefusedError('Rapier could not restore the physics snapshot');
    const self = new PhysicsWorld(engine, options, world);
    try {
      for (const [entity, handle] of meta.bodies) {
        const body = world.getRigidBody(handle);
        if (!body) throw new RefusedError(`physics snapshot is corrupt: no body for entity ${entity}`);
        self.track(entity, body);
      }
      for (const [playerId, entity] of meta.players) {
        if (!self.bodies.has(entity))
          throw new RefusedError(`physics snapshot is corrupt: no body for player ${playerId}`);
        self.players.set(playerId, entity);
        self.playerIds.set(entity, playerId);
      }
      for (const [entity, ...values] of meta.reported) {
        const last = self.reported.get(entity as number);
        if (last === undefined || values.length !== 8)
          throw new RefusedError('physics snapshot is corrupt: reported transforms');
        last.set(values.map((v) => (v === null ? Number.NaN : v)));
      }
      self.last = meta.lastTick;
      self.nextPlayer = meta.nextPlayer;
    } catch (error) {
      world.free();
      throw error;
    }
    return self;
  }

  /** Releases the Wasm memory of the world; the object is unusable afterwards. Safe to call twice. */
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.world.free();
  }
}

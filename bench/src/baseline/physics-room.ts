// The `baseline` room doing the same work as a PacketFlow match: the same Rapier world (PhysicsWorld from
// @packetflow/physics: the arena, 32 box props, a capsule per player) stepped in the room at 30 Hz, the same touch
// scoring (game-logic's rules), every body's position and rotation in the schema state. Only the architecture
// differs: one Colyseus process with msgpack input and schema patches, against PacketFlow's services and packets.
import { type Client, Room } from '@colyseus/core';
import { MatchState, PlayerState, scoreTouches } from '@packetflow/game-logic';
import { type BodyInputLike, PhysicsWorld, physicsEngine } from '@packetflow/physics';
import type { Game } from '@packetflow/protocol';
import { acceptInput, roomStats } from './input-inbox.js';
import { INPUT_MESSAGE } from './names.js';
import { type BaselineInput, TICK_RATE } from './simulation.js';
import { PhysicsBaselineState, PhysicsPlayer, PhysicsProp } from './state.js';

interface PhysicsSlot {
  readonly player: PhysicsPlayer;
  readonly rules: PlayerState;
  readonly queue: BaselineInput[];
  lastReceived: number;
  /** The move of the last applied input, held until the next, as a PacketFlow match holds it. */
  move: { x: number; y: number } | null;
}

type Body = PhysicsProp | PhysicsPlayer;

function write(body: Body, transform: Game.EntityTransformT): void {
  const p = transform.position!;
  const q = transform.rotation!;
  body.x = p.x;
  body.y = p.y;
  body.z = p.z;
  body.qx = q.x;
  body.qy = q.y;
  body.qz = q.z;
  body.qw = q.w;
}

export class PhysicsBaselineRoom extends Room<{ state: PhysicsBaselineState }> {
  override maxClients = 8;
  override patchRate = 1000 / TICK_RATE;
  override state = new PhysicsBaselineState();
  private world!: PhysicsWorld;
  /** The rules' view of the match, so scoring is game-logic's own code. */
  private readonly rules = new MatchState('baseline');
  private readonly slots = new Map<string, PhysicsSlot>();
  private readonly bodies = new Map<number, Body>();
  private readonly bodyInputs: BodyInputLike[] = [];
  private tickCount = 0;

  override onCreate(): void {
    roomStats.rooms++;
    this.world = PhysicsWorld.create(physicsEngine());
    for (const transform of this.world.transforms()) {
      const prop = new PhysicsProp();
      write(prop, transform);
      this.state.props.push(prop);
      this.bodies.set(transform.entity, prop);
      this.rules.transforms.set(transform.entity, transform);
    }
    this.onMessage(INPUT_MESSAGE, (client: Client, message: unknown) => {
      acceptInput(this.slots.get(client.sessionId), message);
    });
    this.setSimulationInterval(() => this.tick(), 1000 / TICK_RATE);
    // As in the kinematic room: restarted after the simulation timer, so each patch follows its tick.
    this.patchRate = 1000 / TICK_RATE;
  }

  override onJoin(client: Client): void {
    const entity = this.world.addPlayer(client.sessionId);
    const player = new PhysicsPlayer();
    player.lastSequence = 0;
    player.score = 0;
    const rules = new PlayerState(client.sessionId, entity, this.rules.inputStats);
    this.state.players.set(client.sessionId, player);
    this.bodies.set(entity, player);
    this.rules.players.set(client.sessionId, rules);
    this.slots.set(client.sessionId, { player, rules, queue: [], lastReceived: 0, move: null });
    roomStats.clients++;
  }

  override onLeave(client: Client): void {
    const slot = this.slots.get(client.sessionId);
    if (slot === undefined) return;
    const entity = this.world.removePlayer(client.sessionId);
    this.bodies.delete(entity);
    this.rules.players.delete(client.sessionId);
    this.rules.transforms.delete(entity);
    this.rules.touching.delete(entity);
    this.state.players.delete(client.sessionId);
    this.slots.delete(client.sessionId);
    roomStats.clients--;
  }

  override onDispose(): void {
    this.world.free();
    roomStats.rooms--;
  }

  /** One fixed step: at most one queued input per player, the world stepped, moved bodies written, touches scored. */
  private tick(): void {
    const inputs = this.bodyInputs;
    inputs.length = 0;
    for (const slot of this.slots.values()) {
      const input = slot.queue.shift();
      if (input) {
        slot.move = { x: input.mx, y: input.my };
        slot.player.lastSequence = input.seq;
        roomStats.inputsApplied++;
      }
      inputs.push({ entity: slot.rules.entity, move: slot.move, buttons: 0 });
    }
    for (const transform of this.world.step(++this.tickCount, inputs)) {
      this.rules.transforms.set(transform.entity, transform);
      const body = this.bodies.get(transform.entity);
      if (body !== undefined) write(body, transform);
    }
    scoreTouches(this.rules);
    for (const slot of this.slots.values()) slot.player.score = slot.rules.score;
  }
}

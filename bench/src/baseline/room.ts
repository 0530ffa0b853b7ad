// The `baseline` room: a plain Colyseus room as a game would write it, the point the gateway is compared with.
import { type Client, Room } from '@colyseus/core';
import { acceptInput, roomStats } from './input-inbox.js';
import { INPUT_MESSAGE } from './names.js';
import {
  applyInput,
  type BaselineInput,
  PROP_COUNT,
  PROP_HEIGHT,
  randomFloorPosition,
  TICK_RATE,
} from './simulation.js';
import { BaselineState, Player, Prop } from './state.js';

/** What the room keeps per player beside the synchronised state. */
interface PlayerSlot {
  player: Player;
  queue: BaselineInput[];
  lastReceived: number;
  /** Props touched after the last applied input, one bit each. */
  touching: number;
}

export class BaselineRoom extends Room<{ state: BaselineState }> {
  override maxClients = 8;
  // A patch for every tick (see onCreate for its phase).
  override patchRate = 1000 / TICK_RATE;
  override state = new BaselineState();
  private readonly slots = new Map<string, PlayerSlot>();

  override onCreate(): void {
    roomStats.rooms++;
    for (let i = 0; i < PROP_COUNT; i++) {
      const { x, z } = randomFloorPosition();
      this.state.props.push(new Prop({ x, y: PROP_HEIGHT, z }));
    }
    this.onMessage(INPUT_MESSAGE, (client: Client, message: unknown) => {
      acceptInput(this.slots.get(client.sessionId), message);
    });
    this.setSimulationInterval(() => this.tick(), 1000 / TICK_RATE);
    // Colyseus starts the patch interval before onCreate, so with equal periods each patch would go out just
    // before the tick and every applied input would wait a whole period for the next one. Restarting it here puts
    // it behind the simulation timer in Node's timer list: each patch follows its tick, as a game would want.
    this.patchRate = 1000 / TICK_RATE;
  }

  override onJoin(client: Client): void {
    const { x, z } = randomFloorPosition();
    const player = new Player({ x, y: 0, z, yaw: 0, lastSequence: 0, score: 0 });
    this.state.players.set(client.sessionId, player);
    this.slots.set(client.sessionId, { player, queue: [], lastReceived: 0, touching: 0 });
    roomStats.clients++;
  }

  override onLeave(client: Client): void {
    this.state.players.delete(client.sessionId);
    this.slots.delete(client.sessionId);
    roomStats.clients--;
  }

  override onDispose(): void {
    roomStats.rooms--;
  }

  /** At most one queued input per player per tick, as a fixed-step simulation consumes them. */
  private tick(): void {
    const props = this.state.props as unknown as readonly Prop[];
    for (const slot of this.slots.values()) {
      const input = slot.queue.shift();
      if (!input) continue;
      slot.touching = applyInput(slot.player, input, props, slot.touching);
      roomStats.inputsApplied++;
    }
  }
}

// MatchCheckpoint bodies with their physics bytes as a Uint8Array. The object API gives a `[ubyte]` vector as a
// number[] and packs it a byte at a time; a world snapshot is ~75 KB, taken every second per match, and converting
// it byte by byte was the larger part of both the physics and the game-logic services' checkpoint cost.
import type { Builder, ByteBuffer } from 'flatbuffers';
import { tableLayouts } from '../generated/layouts.js';
import { BodyInput } from '../generated/packet-flow/game/body-input.js';
import { MatchCheckpoint } from '../generated/packet-flow/game/match-checkpoint.js';
import { PlayerSlot, type PlayerSlotT } from '../generated/packet-flow/game/player-slot.js';
import { Vec2 } from '../generated/packet-flow/game/vec2.js';
import type { MessageCodec } from './message-registry.js';
import { StepInputLog } from './step-input-log.js';

export interface MatchCheckpointBody {
  readonly matchId: string;
  readonly tick: number;
  readonly players: readonly PlayerSlotT[];
  /** The match's physics world as PhysicsWorld snapshot bytes. */
  readonly physics: Uint8Array;
  /** The match's game mode; undefined (absent on the wire) is `touch`. */
  readonly mode?: string;
  /** In a checkpoint without a world: the tick of the checkpoint with a world it goes on from (0 unless set). */
  readonly worldTick?: number;
  /** In a checkpoint without a world: the inputs of every step since `worldTick`, one per player per step. */
  readonly steps?: StepInputLog;
}

/** A codec for a message whose body is a MatchCheckpoint table: `MatchCheckpoint` itself, or a service's own. */
export function checkpointCodec(
  type = 'MatchCheckpoint',
  validate?: (body: MatchCheckpointBody) => string | undefined,
): MessageCodec<MatchCheckpointBody> {
  return {
    type,
    layout: tableLayouts.MatchCheckpoint,
    pack: (builder, body) => {
      const matchId = builder.createString(body.matchId);
      const players = MatchCheckpoint.createPlayersVector(
        builder,
        body.players.map((slot) => slot.pack(builder)),
      );
      const physics = builder.createByteVector(body.physics);
      const mode = body.mode === undefined ? 0 : builder.createString(body.mode);
      const steps = body.steps === undefined || body.steps.length === 0 ? 0 : packSteps(builder, body.steps);
      return MatchCheckpoint.createMatchCheckpoint(
        builder,
        matchId,
        body.tick,
        players,
        physics,
        mode,
        body.worldTick ?? 0,
        steps,
      );
    },
    unpack: (bb: ByteBuffer) => {
      const table = MatchCheckpoint.getRootAsMatchCheckpoint(bb);
      const players: PlayerSlotT[] = [];
      for (let i = 0; i < table.playersLength(); i++) players.push(table.players(i, new PlayerSlot())!.unpack());
      return {
        matchId: table.matchId() ?? '',
        tick: table.tick(),
        players,
        // A copy: the bytes under the table may be a frame buffer that is reused.
        physics: table.physicsArray()?.slice() ?? new Uint8Array(0),
        ...(table.mode() === null ? {} : { mode: table.mode() as string }),
        ...(table.worldTick() === 0 ? {} : { worldTick: table.worldTick() }),
        ...(table.stepsLength() === 0 ? {} : { steps: unpackSteps(table) }),
      };
    },
    ...(validate ? { validate } : {}),
  };
}

function packSteps(builder: Builder, steps: StepInputLog): number {
  MatchCheckpoint.startStepsVector(builder, steps.length);
  // A vector is built back to front.
  for (let i = steps.length - 1; i >= 0; i--) {
    BodyInput.createBodyInput(builder, steps.entity(i), steps.x(i), steps.y(i), steps.buttons(i));
  }
  return builder.endVector();
}

function unpackSteps(table: MatchCheckpoint): StepInputLog {
  const steps = new StepInputLog();
  const input = new BodyInput();
  const move = new Vec2();
  for (let i = 0; i < table.stepsLength(); i++) {
    table.steps(i, input);
    input.move(move);
    steps.push({ entity: input.entity(), move: { x: move.x(), y: move.y() }, buttons: input.buttons() });
  }
  return steps;
}

// The FlatBuffers side of the client contract: inputs out, snapshots and join confirmations in. Bytes from the
// network go through the protocol registry's verifier, so a bad message is a value to report, never an exception.
import {
  createProtocolRegistry,
  DEFAULT_GAME_MODE,
  type Decoded,
  ErrorCode,
  Game,
  type MessageRegistry,
  ProtocolError,
} from '@packetflow/protocol';
import { ByteBuffer } from 'flatbuffers';
import type { EntityState, InputAck, InputSample, JoinInfo, PlayerScore, SnapshotPacket } from './match-types.js';

const UINT32_MAX = 0xffff_ffff;

function isUint32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= UINT32_MAX;
}

/**
 * Throws a RangeError for a sample the gateway would refuse, so the mistake surfaces at the call that made it
 * rather than as an asynchronous INVALID_PAYLOAD error later.
 */
export function checkInputSample(sample: InputSample): void {
  const { move, aim, buttons = 0, clientTick = 0 } = sample;
  if (!(Math.abs(move.x) <= 1 && Math.abs(move.y) <= 1)) {
    throw new RangeError(`move axes must be finite and within [-1, 1], got (${move.x}, ${move.y})`);
  }
  if (aim && !(Number.isFinite(aim.x) && Number.isFinite(aim.y))) {
    throw new RangeError(`aim must be finite, got (${aim.x}, ${aim.y})`);
  }
  if (!isUint32(buttons)) throw new RangeError(`buttons must be a 32-bit unsigned bit set, got ${buttons}`);
  if (!isUint32(clientTick)) throw new RangeError(`clientTick must be a 32-bit unsigned integer, got ${clientTick}`);
}

function text(value: string | Uint8Array | null): string {
  return typeof value === 'string' ? value : value === null ? '' : new TextDecoder().decode(value);
}

/**
 * Encodes `ClientInput` bodies and decodes `Snapshot`, `JoinAccepted` and `MatchHost` bodies. Snapshots arrive thirty times a
 * second: they are verified, then read straight from the buffer into the plain objects game code gets, without the
 * generated object API's intermediate objects.
 */
export class MatchCodec {
  private readonly transform = new Game.EntityTransform();
  private readonly position = new Game.Vec3();
  private readonly rotation = new Game.Quat();
  private readonly ack = new Game.InputAck();
  private readonly score = new Game.PlayerScore();

  constructor(private readonly registry: MessageRegistry = createProtocolRegistry().passThrough('Snapshot')) {}

  /** A `ClientInput` table for one sample under `sequence`. The sample must pass `checkInputSample`. */
  encodeInput(sequence: number, sample: InputSample): Uint8Array {
    const { move, aim } = sample;
    const body = new Game.ClientInputT(
      sequence,
      sample.clientTick ?? 0,
      new Game.Vec2T(move.x, move.y),
      aim ? new Game.Vec2T(aim.x, aim.y) : null,
      sample.buttons ?? 0,
    );
    return this.registry.encode({ type: 'ClientInput', body });
  }

  /** Verifies and decodes a `Snapshot` from the gateway. */
  decodeSnapshot(bytes: Uint8Array): Decoded<SnapshotPacket> {
    const verified = this.registry.decode('Snapshot', bytes);
    if (!verified.ok) return verified;
    const table = Game.Snapshot.getRootAsSnapshot(new ByteBuffer(verified.value.body as Uint8Array));
    const acks: InputAck[] = [];
    for (let i = 0, n = table.acksLength(); i < n; i++) {
      const ack = table.acks(i, this.ack)!;
      acks.push({ entity: ack.entity(), sequence: ack.sequence() });
    }
    const entities: EntityState[] = [];
    for (let i = 0, n = table.entitiesLength(); i < n; i++) {
      const t = table.entities(i, this.transform)!;
      const p = t.position(this.position)!;
      const q = t.rotation(this.rotation)!;
      entities.push({
        entity: t.entity(),
        position: { x: p.x(), y: p.y(), z: p.z() },
        rotation: { x: q.x(), y: q.y(), z: q.z(), w: q.w() },
      });
    }
    const scores: PlayerScore[] = [];
    for (let i = 0, n = table.scoresLength(); i < n; i++) {
      const score = table.scores(i, this.score)!;
      scores.push({ entity: score.entity(), score: score.score() });
    }
    const packet = { serverTick: table.serverTick(), acks, entities, full: table.full(), scores };
    return { ok: true, value: table.resumed() ? { ...packet, resumedFromTick: table.resumedFromTick() } : packet };
  }

  /** Verifies and decodes a `JoinAccepted` from the gateway. */
  decodeJoined(bytes: Uint8Array): Decoded<JoinInfo> {
    const decoded = this.registry.decode('JoinAccepted', bytes);
    if (!decoded.ok) return decoded;
    const body = decoded.value.body as Game.JoinAcceptedT;
    // Interpolation and the default delay divide by the tick rate.
    if (body.tickRate === 0) {
      return { ok: false, error: new ProtocolError(ErrorCode.InvalidArgument, 'JoinAccepted: tick rate is 0') };
    }
    return {
      ok: true,
      value: {
        matchId: text(body.matchId),
        playerId: text(body.playerId),
        entity: body.entity,
        tickRate: body.tickRate,
        serverTick: body.serverTick,
        mode: typeof body.mode === 'string' ? body.mode : DEFAULT_GAME_MODE,
      },
    };
  }

  /** Verifies and decodes a `MatchHost` from the gateway: the id of the node the match runs on. */
  decodeHost(bytes: Uint8Array): Decoded<string> {
    const decoded = this.registry.decode('MatchHost', bytes);
    if (!decoded.ok) return decoded;
    return { ok: true, value: text((decoded.value.body as Game.MatchHostT).nodeId) };
  }
}

// The FlatBuffers side of a bot: ClientInput tables out, JoinAccepted and Snapshot tables in. Everything from the
// gateway goes through the protocol registry's verifier first, as the TypeScript SDK's does, so a bad table is a
// value to count, never an exception; snapshots are then read straight from the verified buffer.
import {
  createProtocolRegistry,
  type Decoded,
  ErrorCode,
  Game,
  type MessageRegistry,
  ProtocolError,
  tableLayouts,
} from '@packetflow/protocol';

/** One input sample, as `ClientInput` carries it. */
export interface InputSample {
  readonly move: { readonly x: number; readonly y: number };
  readonly aim?: { readonly x: number; readonly y: number };
  readonly buttons?: number;
  readonly clientTick?: number;
}

/** What `JoinAccepted` tells a player. */
export interface JoinInfo {
  readonly matchId: string;
  readonly playerId: string;
  /** The entity this player controls: its acks are this player's. */
  readonly entity: number;
  readonly tickRate: number;
  readonly serverTick: number;
}

/** What a bot keeps of one snapshot. */
export interface SnapshotReading {
  readonly serverTick: number;
  readonly full: boolean;
  /** Entities listed: all of the match when `full`, else those that moved. */
  readonly entities: number;
  /** The last input sequence the match applied for the reader's entity; undefined when the snapshot has no ack for it. */
  readonly ownAck: number | undefined;
  /** The reader's score in the match; undefined when the snapshot lists none for its entity. */
  readonly ownScore: number | undefined;
}

/** An entity's last seen position. */
export interface Position {
  x: number;
  y: number;
  z: number;
}

const SNAPSHOT_READING = 'SnapshotReading';

function text(value: string | Uint8Array | null): string {
  return typeof value === 'string' ? value : '';
}

/**
 * One player's codec. It keeps the match as last seen (entity → position), as a client that draws the match would:
 * a full snapshot replaces it, a partial one updates what moved.
 */
export class MatchCodec {
  /** Set from `JoinAccepted`: whose acks `readSnapshot` reports. */
  entity: number | undefined;
  readonly world = new Map<number, Position>();
  private readonly registry: MessageRegistry;
  private readonly snapshot = new Game.Snapshot();
  private readonly transform = new Game.EntityTransform();
  private readonly position = new Game.Vec3();
  private readonly ack = new Game.InputAck();
  private readonly score = new Game.PlayerScore();

  constructor() {
    this.registry = createProtocolRegistry().register<SnapshotReading>({
      type: SNAPSHOT_READING,
      layout: tableLayouts.Snapshot,
      pack: () => {
        throw new Error('a bot never sends snapshots');
      },
      unpack: (bb) => this.read(Game.Snapshot.getRootAsSnapshot(bb, this.snapshot)),
    });
  }

  /** A `ClientInput` table for one sample under `sequence`. */
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

  /** Verifies and reads a `JoinAccepted`; from then on snapshots report this player's acks. */
  decodeJoined(bytes: Uint8Array): Decoded<JoinInfo> {
    const decoded = this.registry.decode('JoinAccepted', bytes);
    if (!decoded.ok) return decoded;
    const body = decoded.value.body as Game.JoinAcceptedT;
    if (body.tickRate === 0) {
      return { ok: false, error: new ProtocolError(ErrorCode.InvalidArgument, 'JoinAccepted: tick rate is 0') };
    }
    this.entity = body.entity;
    return {
      ok: true,
      value: {
        matchId: text(body.matchId),
        playerId: text(body.playerId),
        entity: body.entity,
        tickRate: body.tickRate,
        serverTick: body.serverTick,
      },
    };
  }

  /** Verifies a `Snapshot`, merges its entities into `world` and reads this player's ack. */
  readSnapshot(bytes: Uint8Array): Decoded<SnapshotReading> {
    const decoded = this.registry.decode(SNAPSHOT_READING, bytes);
    return decoded.ok ? { ok: true, value: decoded.value.body as SnapshotReading } : decoded;
  }

  private read(table: Game.Snapshot): SnapshotReading {
    const full = table.full();
    if (full) this.world.clear();
    const entities = table.entitiesLength();
    for (let i = 0; i < entities; i++) {
      const transform = table.entities(i, this.transform)!;
      const p = transform.position(this.position)!;
      const id = transform.entity();
      const seen = this.world.get(id);
      if (seen === undefined) this.world.set(id, { x: p.x(), y: p.y(), z: p.z() });
      else {
        seen.x = p.x();
        seen.y = p.y();
        seen.z = p.z();
      }
    }
    let ownAck: number | undefined;
    let ownScore: number | undefined;
    if (this.entity !== undefined) {
      for (let i = 0, n = table.acksLength(); i < n; i++) {
        const ack = table.acks(i, this.ack)!;
        if (ack.entity() === this.entity) ownAck = ack.sequence();
      }
      for (let i = 0, n = table.scoresLength(); i < n; i++) {
        const score = table.scores(i, this.score)!;
        if (score.entity() === this.entity) ownScore = score.score();
      }
    }
    return { serverTick: table.serverTick(), full, entities, ownAck, ownScore };
  }
}

import {
  BodyInputT,
  ClientInputT,
  EntityTransformT,
  InputAckT,
  PhysicsStepRequestT,
  QuatT,
  SnapshotT,
  Vec2T,
  Vec3T,
} from '../src/generated/game_generated.js';
import type { Packet } from '../src/index.js';

export function clientInput(sequence = 7): ClientInputT {
  return new ClientInputT(sequence, 1200 + sequence, new Vec2T(0.5, -1), new Vec2T(1.25, -0.5), 0b101);
}

export function snapshot(entities = 32, tick = 4242): SnapshotT {
  const transforms = Array.from(
    { length: entities },
    (_, i) =>
      new EntityTransformT(
        i + 1,
        new Vec3T(i, 1.5, -i),
        new QuatT(0, Math.fround(Math.SQRT1_2), 0, Math.fround(Math.SQRT1_2)),
      ),
  );
  return new SnapshotT(tick, [new InputAckT(1, 99), new InputAckT(2, 17)], transforms);
}

export function stepRequest(): PhysicsStepRequestT {
  return new PhysicsStepRequestT('match-1', 10, [
    new BodyInputT(1, new Vec2T(1, 0), 0),
    new BodyInputT(2, new Vec2T(0, -1), 1),
  ]);
}

export function packet(body: Uint8Array, overrides: Partial<Packet> = {}): Packet {
  return {
    target: { kind: 'match', id: 'm-1' },
    sender: { kind: 'room', id: 'r-1', node: 'gateway-1' },
    type: 'ClientInput',
    correlationId: 0,
    flags: 0,
    ttlMs: 0,
    body,
    ...overrides,
  };
}

/** A small deterministic PRNG (xorshift32) so fuzz runs can be repeated from their seed. */
export class Random {
  constructor(private state: number) {
    if (this.state === 0) this.state = 0x9e3779b9;
  }

  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  below(n: number): number {
    return this.next() % n;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.next() & 0xff;
    return out;
  }
}

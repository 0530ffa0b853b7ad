import {
  BatchCodec,
  createProtocolRegistry,
  Game,
  type Message,
  type Packet,
  RendezvousRouter,
} from '@packetflow/protocol';
import type { Figure } from '../report.js';

const registry = createProtocolRegistry();

/** Best of `runs` timings of `iterations` calls, in nanoseconds per call. */
function nsPerCall(iterations: number, runs: number, body: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) body();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  return best;
}

function roundTrip(codec: BatchCodec, message: Message, target: Packet['target']): () => void {
  return () => {
    const frame = codec.encodeFrame([
      { target, type: message.type, correlationId: 0, flags: 0, ttlMs: 0, body: registry.encode(message) },
    ]);
    const packets = codec.decodeFrame(frame);
    if (!packets.ok) throw packets.error;
    const packet = packets.value[0]!;
    const decoded = registry.decode(packet.type, packet.body);
    if (!decoded.ok) throw decoded.error;
  };
}

export async function protocolSuite(report: (figure: Figure) => void): Promise<void> {
  const codec = new BatchCodec();
  const input: Message = {
    type: 'ClientInput',
    body: new Game.ClientInputT(42, 1000, new Game.Vec2T(0.5, -1), new Game.Vec2T(1.2, 0.1), 1),
  } as Message;
  const snapshot = {
    type: 'Snapshot',
    body: new Game.SnapshotT(
      9000,
      Array.from({ length: 8 }, (_, i) => new Game.InputAckT(i + 1, 1000 + i)),
      Array.from(
        { length: 32 },
        (_, i) => new Game.EntityTransformT(i + 1, new Game.Vec3T(i, 0.5, -i), new Game.QuatT(0, 0, 0, 1)),
      ),
    ),
  } as Message;
  const note = 'best of 5; message → body → frame → verify → packet → verified body object';
  report({
    group: 'protocol',
    name: 'client-input packet, encode + decode',
    value: nsPerCall(200_000, 5, roundTrip(codec, input, { kind: 'match', id: 'm-1' })),
    unit: 'ns/packet',
    target: '',
    note,
  });
  report({
    group: 'protocol',
    name: '32-entity snapshot packet, encode + decode',
    value: nsPerCall(20_000, 5, roundTrip(codec, snapshot, { kind: 'room', id: 'r-1', node: 'gateway-1' })),
    unit: 'ns/packet',
    target: '',
    note,
  });

  const body = registry.encode(input);
  const batch: Packet[] = Array.from({ length: 256 }, (_, i) => ({
    target: { kind: 'match', id: `m-${i % 16}` },
    sender: { kind: 'room', id: `r-${i % 16}`, node: 'gateway-1' },
    type: 'ClientInput',
    correlationId: 0,
    flags: 0,
    ttlMs: 0,
    body,
  }));
  report({
    group: 'protocol',
    name: 'batched envelopes (256 per frame), encode + verify + decode',
    value:
      nsPerCall(500, 5, () => {
        const decoded = codec.decodeFrame(codec.encodeFrame(batch));
        if (!decoded.ok) throw decoded.error;
      }) / batch.length,
    unit: 'ns/packet',
    target: '',
    note: 'best of 5; bodies stay FlatBuffers bytes',
  });

  // The distribution milestone's flood: ≥ 2 M one-way packets/s between two processes, one core each, leaves each
  // side roughly 300–400 ns per packet. Empty-body tells from one sender, to one target or spread over 64.
  const sender = { kind: 'room', id: 'r-1', node: 'gateway-1' };
  const flood = (targets: number): Packet[] =>
    Array.from({ length: 256 }, (_, i) => ({
      target: { kind: 'match', id: `m-${i % targets}` },
      sender,
      type: 'increment',
      correlationId: 0,
      flags: 0,
      ttlMs: 0,
      body: new Uint8Array(0),
    }));
  for (const [targets, label] of [
    [1, 'one target'],
    [64, '64 targets'],
  ] as const) {
    const packets = flood(targets);
    report({
      group: 'protocol',
      name: `flood of empty tells (256 per frame, ${label}), encode only`,
      value: nsPerCall(2000, 5, () => codec.encodeFrame(packets)) / packets.length,
      unit: 'ns/packet',
      target: '',
      note: 'best of 5; encodeFrame, one sender; milestone budget ≈ 300–400 ns',
    });
    const payload = codec.encodeFrame(packets).slice(4);
    report({
      group: 'protocol',
      name: `flood of empty tells (256 per frame, ${label}), verify + decode only`,
      value:
        nsPerCall(2000, 5, () => {
          const decoded = codec.decodePayload(payload);
          if (!decoded.ok) throw decoded.error;
        }) / packets.length,
      unit: 'ns/packet',
      target: '',
      note: 'best of 5; decodePayload, one sender; milestone budget ≈ 300–400 ns',
    });
  }

  const router = new RendezvousRouter(
    Array.from({ length: 16 }, (_, i) => ({ id: `node-${i}`, roles: ['match'] })),
    { cacheSize: 1 << 20 },
  );
  const ids = Array.from({ length: 100_000 }, (_, i) => `m-${i}`);
  let n = 0;
  const uncached = new RendezvousRouter(router.memberList, { cacheSize: 1 });
  report({
    group: 'protocol',
    name: 'rendezvous owner lookup over 16 members, cache miss',
    value: nsPerCall(100_000, 5, () => uncached.owner('match', ids[n++ % ids.length]!)),
    unit: 'ns/lookup',
    target: '',
    note: 'best of 5',
  });
  for (const id of ids) router.owner('match', id);
  report({
    group: 'protocol',
    name: 'rendezvous owner lookup, route-cache hit',
    value: nsPerCall(1_000_000, 5, () => router.owner('match', ids[n++ % ids.length]!)),
    unit: 'ns/lookup',
    target: '',
    note: 'best of 5; 100 k keys cached',
  });
}

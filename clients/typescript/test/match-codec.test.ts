import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createProtocolRegistry, Game } from '@packetflow/protocol';
import { checkInputSample, MatchCodec } from '../src/match-codec.js';
import { Buttons } from '../src/match-types.js';

const registry = createProtocolRegistry();
const codec = new MatchCodec();

function snapshotBytes(): Uint8Array {
  const body = new Game.SnapshotT(
    42,
    [new Game.InputAckT(3, 17), new Game.InputAckT(4, 2)],
    [
      new Game.EntityTransformT(3, new Game.Vec3T(1, 2, 3), new Game.QuatT(0, 0.5, 0, 0.75)),
      new Game.EntityTransformT(9, new Game.Vec3T(-1, 0, 0.5), new Game.QuatT(0, 0, 0, 1)),
    ],
  );
  return registry.encode({ type: 'Snapshot', body });
}

describe('MatchCodec', () => {
  it('encodes an input as the ClientInput the gateway reads', () => {
    const bytes = codec.encodeInput(7, {
      move: { x: 0.5, y: -1 },
      aim: { x: 1.25, y: -0.5 },
      buttons: Buttons.Jump | Buttons.Sprint,
      clientTick: 99,
    });
    const decoded = registry.decode('ClientInput', bytes);
    assert.ok(decoded.ok);
    const input = decoded.value.body as Game.ClientInputT;
    assert.equal(input.sequence, 7);
    assert.equal(input.clientTick, 99);
    assert.deepEqual([input.move?.x, input.move?.y], [0.5, -1]);
    assert.deepEqual([input.aim?.x, input.aim?.y], [1.25, -0.5]);
    assert.equal(input.buttons, Buttons.Jump | Buttons.Sprint);
  });

  it('leaves aim out, and buttons and client tick at 0, when not given', () => {
    const decoded = registry.decode('ClientInput', codec.encodeInput(1, { move: { x: 0, y: 0 } }));
    assert.ok(decoded.ok);
    const input = decoded.value.body as Game.ClientInputT;
    assert.equal(input.aim, null);
    assert.equal(input.buttons, 0);
    assert.equal(input.clientTick, 0);
  });

  it('decodes a snapshot into plain objects, and says whether it holds the whole match', () => {
    const decoded = codec.decodeSnapshot(snapshotBytes());
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value, {
      serverTick: 42,
      acks: [
        { entity: 3, sequence: 17 },
        { entity: 4, sequence: 2 },
      ],
      entities: [
        { entity: 3, position: { x: 1, y: 2, z: 3 }, rotation: { x: 0, y: 0.5, z: 0, w: 0.75 } },
        { entity: 9, position: { x: -1, y: 0, z: 0.5 }, rotation: { x: 0, y: 0, z: 0, w: 1 } },
      ],
      full: false,
      scores: [],
    });
    const full = registry.encode({ type: 'Snapshot', body: new Game.SnapshotT(43, [], [], true) });
    const decodedFull = codec.decodeSnapshot(full);
    assert.ok(decodedFull.ok);
    assert.equal(decodedFull.value.full, true);
    assert.equal('resumedFromTick' in decodedFull.value, false, 'no resumedFromTick unless the match resumed');
    const resumed = registry.encode({ type: 'Snapshot', body: new Game.SnapshotT(44, [], [], true, [], true, 0) });
    const decodedResumed = codec.decodeSnapshot(resumed);
    assert.ok(decodedResumed.ok);
    assert.equal(decodedResumed.value.resumedFromTick, 0, 'a match resumed from tick 0 says so too');
  });

  it('decodes a JoinAccepted, and refuses one with a tick rate of 0', () => {
    const joined = (tickRate: number) =>
      registry.encode({ type: 'JoinAccepted', body: new Game.JoinAcceptedT('m-1', 'guest-ada', 5, tickRate, 1200) });
    const decoded = codec.decodeJoined(joined(30));
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value, {
      matchId: 'm-1',
      playerId: 'guest-ada',
      entity: 5,
      tickRate: 30,
      serverTick: 1200,
      mode: 'touch',
    });
    const king = registry.encode({
      type: 'JoinAccepted',
      body: new Game.JoinAcceptedT('m-2', 'guest-ada', 5, 30, 0, 'king'),
    });
    const decodedKing = codec.decodeJoined(king);
    assert.ok(decodedKing.ok);
    assert.equal(decodedKing.value.mode, 'king', 'the mode, when the gateway says it; touch when it does not');
    const zero = codec.decodeJoined(joined(0));
    assert.ok(!zero.ok);
    assert.match(zero.error.message, /tick rate/);
  });

  it('decodes a MatchHost into the node id, and refuses one without it', () => {
    const decoded = codec.decodeHost(registry.encode({ type: 'MatchHost', body: new Game.MatchHostT('game-logic-2') }));
    assert.deepEqual(decoded, { ok: true, value: 'game-logic-2' });
    const empty = codec.decodeHost(registry.encode({ type: 'ClientInput', body: new Game.ClientInputT() }));
    assert.ok(!empty.ok);
  });

  it('reports bytes that are not the promised table as an error value, never by throwing', () => {
    const good = snapshotBytes();
    const cases: Uint8Array[] = [new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array(64).fill(0xff)];
    for (let cut = 1; cut < good.length; cut += 3) cases.push(good.subarray(0, cut));
    // Deterministic pseudo-random corruption of single bytes.
    let seed = 12345;
    for (let i = 0; i < 500; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const corrupt = Uint8Array.from(good);
      corrupt[seed % corrupt.length] = seed >>> 24;
      cases.push(corrupt);
    }
    let refused = 0;
    for (const bytes of cases) {
      const snapshot = codec.decodeSnapshot(bytes);
      const joined = codec.decodeJoined(bytes);
      if (!snapshot.ok) refused++;
      assert.ok(joined.ok || joined.error.name === 'ProtocolError');
    }
    assert.ok(refused >= 3 + Math.floor(good.length / 3), `refused ${refused} of ${cases.length}`);
  });

  it('decodes a table that sits at an offset inside a larger buffer, as Colyseus hands them over', () => {
    const good = snapshotBytes();
    const framed = new Uint8Array(good.length + 5);
    framed.set(good, 5);
    const decoded = codec.decodeSnapshot(framed.subarray(5));
    assert.ok(decoded.ok);
    assert.equal(decoded.value.serverTick, 42);
  });
});

describe('checkInputSample', () => {
  it('accepts what the gateway accepts', () => {
    checkInputSample({ move: { x: -1, y: 1 }, aim: { x: 100, y: -3 }, buttons: 0xffff_ffff, clientTick: 0 });
  });

  it('refuses what the gateway would refuse', () => {
    const bad = [
      { move: { x: 1.01, y: 0 } },
      { move: { x: Number.NaN, y: 0 } },
      { move: { x: 0, y: Number.NEGATIVE_INFINITY } },
      { move: { x: 0, y: 0 }, aim: { x: Number.NaN, y: 0 } },
      { move: { x: 0, y: 0 }, buttons: -1 },
      { move: { x: 0, y: 0 }, buttons: 2 ** 32 },
      { move: { x: 0, y: 0 }, clientTick: 1.5 },
    ];
    for (const sample of bad) assert.throws(() => checkInputSample(sample), RangeError, JSON.stringify(sample));
  });
});

describe('Buttons', () => {
  it('has the bits of the schema', () => {
    // The package ships its schemas beside dist/: resolve the package, not a path into the repository.
    const schemaUrl = new URL('../../schemas/game.fbs', import.meta.resolve('@packetflow/protocol'));
    const schema = readFileSync(schemaUrl, 'utf8');
    const names = /enum Buttons: uint \(bit_flags\) \{([^}]*)\}/.exec(schema)?.[1]?.match(/\w+/g);
    assert.deepEqual(Object.keys(Buttons), names);
    assert.deepEqual(
      Object.values(Buttons),
      names?.map((_, bit) => 1 << bit),
    );
  });
});

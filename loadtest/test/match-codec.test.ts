// The bot's FlatBuffers codec against tables built and read by the generated code (through the protocol registry).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProtocolRegistry, Game } from '@packetflow/protocol';
import { MatchCodec } from '../src/game/match-codec.js';

const registry = createProtocolRegistry();

function snapshot(
  tick: number,
  full: boolean,
  entities: [number, number][],
  acks: [number, number][],
  scores: [number, number][] = [],
): Uint8Array {
  const body = new Game.SnapshotT(
    tick,
    acks.map(([entity, sequence]) => new Game.InputAckT(entity, sequence)),
    entities.map(
      ([entity, x]) => new Game.EntityTransformT(entity, new Game.Vec3T(x, 0, -x), new Game.QuatT(0, 0, 0, 1)),
    ),
    full,
    scores.map(([entity, score]) => new Game.PlayerScoreT(entity, score)),
  );
  return registry.encode({ type: 'Snapshot', body });
}

function joined(entity: number, tickRate = 30): Uint8Array {
  return registry.encode({ type: 'JoinAccepted', body: new Game.JoinAcceptedT('m1', 'p1', entity, tickRate, 5) });
}

describe('MatchCodec', () => {
  it('encodes a ClientInput the generated code reads back', () => {
    const bytes = new MatchCodec().encodeInput(42, {
      move: { x: 0.5, y: -1 },
      aim: { x: 2, y: 0 },
      buttons: 5,
      clientTick: 9,
    });
    const decoded = registry.decode('ClientInput', bytes);
    assert.ok(decoded.ok);
    const input = decoded.value.body as Game.ClientInputT;
    assert.equal(input.sequence, 42);
    assert.equal(input.clientTick, 9);
    assert.equal(input.buttons, 5);
    assert.deepEqual([input.move?.x, input.move?.y, input.aim?.x, input.aim?.y], [0.5, -1, 2, 0]);
  });

  it('reads JoinAccepted and then its own entity’s acks and score from snapshots', () => {
    const codec = new MatchCodec();
    const info = codec.decodeJoined(joined(7));
    assert.ok(info.ok);
    assert.deepEqual(info.value, { matchId: 'm1', playerId: 'p1', entity: 7, tickRate: 30, serverTick: 5 });
    const read = codec.readSnapshot(
      snapshot(
        11,
        true,
        [
          [7, 1],
          [8, 2],
        ],
        [
          [8, 3],
          [7, 12],
        ],
        [
          [7, 4],
          [8, 9],
        ],
      ),
    );
    assert.ok(read.ok);
    assert.deepEqual(read.value, { serverTick: 11, full: true, entities: 2, ownAck: 12, ownScore: 4 });
    const other = codec.readSnapshot(snapshot(12, false, [], [[8, 4]]));
    assert.ok(other.ok && other.value.ownAck === undefined && other.value.ownScore === undefined);
  });

  it('keeps the match as last seen: a full snapshot replaces it, a partial one updates what moved', () => {
    const codec = new MatchCodec();
    codec.readSnapshot(
      snapshot(
        1,
        true,
        [
          [1, 1],
          [2, 2],
          [3, 3],
        ],
        [],
      ),
    );
    codec.readSnapshot(snapshot(2, false, [[2, 5]], []));
    assert.deepEqual([...codec.world.keys()].sort(), [1, 2, 3]);
    assert.equal(codec.world.get(2)?.x, 5);
    assert.equal(codec.world.get(2)?.z, -5);
    codec.readSnapshot(snapshot(3, true, [[3, 9]], []));
    assert.deepEqual([...codec.world.keys()], [3]);
  });

  it('reports bad tables as values, never as exceptions', () => {
    const codec = new MatchCodec();
    for (const bytes of [
      Uint8Array.of(1, 2, 3),
      new Uint8Array(64).fill(0xff),
      snapshot(1, true, [], []).subarray(0, 10),
    ]) {
      assert.equal(codec.readSnapshot(bytes).ok, false);
      assert.equal(codec.decodeJoined(bytes).ok, false);
    }
    assert.equal(codec.decodeJoined(joined(1, 0)).ok, false);
  });
});

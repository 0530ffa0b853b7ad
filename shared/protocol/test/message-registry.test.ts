import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createProtocolRegistry,
  ErrorCode,
  Game,
  type MatchCheckpointBody,
  MessageRegistry,
  StepInputLog,
  System,
  tableLayouts,
  Wire,
} from '../src/index.js';
import { clientInput, snapshot, stepRequest } from './fixtures.js';

const registry = createProtocolRegistry();

function roundTrip<B>(type: string, body: B): unknown {
  const decoded = registry.decode(type, registry.encode({ type, body }));
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
  assert.equal(decoded.value.type, type);
  return decoded.value.body;
}

describe('MessageRegistry', () => {
  test('every table of the protocol schemas has a codec', () => {
    const notMessages = new Set(['Address', 'Envelope', 'Batch', 'Role', 'ItemStack', 'PlayerSlot']);
    // The leaderboard's messages go by the names of what they do, on its two tables.
    const renamed = new Map([
      ['LeaderboardScore', 'RecordScore'],
      ['Leaderboard', 'TopScores'],
    ]);
    const expected = [
      ...Object.keys(tableLayouts)
        .filter((t) => !notMessages.has(t))
        .map((t) => renamed.get(t) ?? t),
      'GetTopScores',
      // The match's own requests on the tables of the join and the host.
      'FindSeat',
      'HandOverMatch',
    ].sort();
    assert.deepEqual(registry.types.sort(), expected);
  });

  test('a decoded body has the same shape as the object that was sent', () => {
    assert.deepEqual(roundTrip('ClientInput', clientInput()), clientInput());
    assert.deepEqual(roundTrip('Snapshot', snapshot()), snapshot());
    assert.deepEqual(roundTrip('PhysicsStepRequest', stepRequest()), stepRequest());
    const inventory = new Game.InventoryT('p-1', [new Game.ItemStackT('sword', 1), new Game.ItemStackT('potion', 12)]);
    assert.deepEqual(roundTrip('Inventory', inventory), inventory);
    const handshake = new System.HandshakeT(1, 'node-a', [new System.RoleT('physics')], [1, 2, 3], [4, 5]);
    assert.deepEqual(roundTrip('Handshake', handshake), handshake);
    const down = new System.DownT(new Wire.AddressT('match', 'm-1', null), System.DownReason.NodeDown, 'gone');
    assert.deepEqual(roundTrip('Down', down), down);
    const score = new Game.LeaderboardScoreT('guest-1', 'Ada', 7);
    assert.deepEqual(roundTrip('RecordScore', score), score);
    const board = new Game.LeaderboardT('touch', [score, new Game.LeaderboardScoreT('guest-2', null, 3)]);
    assert.deepEqual(roundTrip('TopScores', board), board);
  });

  test('a checkpoint keeps its physics bytes as bytes, in and out', () => {
    const physics = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 31) % 256);
    const body = { matchId: 'm-1', tick: 99, players: [new Game.PlayerSlotT('ada', 1000, 17, 3)], physics };
    const big = createProtocolRegistry({ maxVectorLength: 1 << 20, maxBodyBytes: 1 << 20 });
    const bytes = big.encode({ type: 'MatchCheckpoint', body });
    const decoded = big.decode('MatchCheckpoint', bytes);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
    assert.deepEqual(decoded.value.body, body);
    assert.ok((decoded.value.body as { physics: unknown }).physics instanceof Uint8Array);
    assert.ok(!registry.decode('MatchCheckpoint', bytes).ok, 'over the default vector limit');
    const king = { ...body, physics: new Uint8Array(0), mode: 'king' };
    const kept = big.decode('MatchCheckpoint', big.encode({ type: 'MatchCheckpoint', body: king }));
    assert.ok(kept.ok);
    assert.deepEqual(kept.value.body, king, 'the mode travels with the checkpoint; absent above, it is undefined');
  });

  test('a checkpoint without a world carries the tick of the world it goes on from and the inputs of every step since', () => {
    const steps = new StepInputLog();
    // More inputs than the log's first capacity, with moves float32 cannot hold exactly and every button bit.
    for (let i = 0; i < 300; i++) {
      steps.push({
        entity: 1000 + (i % 3),
        move: i % 7 === 0 ? null : { x: Math.sin(i), y: -0.1 },
        buttons: i * 0x11111,
      });
    }
    const body = { matchId: 'm-2', tick: 100, players: [], physics: new Uint8Array(0), worldTick: 40, steps };
    const big = createProtocolRegistry({ maxVectorLength: 1 << 20, maxBodyBytes: 1 << 20 });
    const decoded = big.decode('MatchCheckpoint', big.encode({ type: 'MatchCheckpoint', body }));
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
    const back = decoded.value.body as MatchCheckpointBody;
    assert.equal(back.worldTick, 40);
    assert.equal(back.steps?.length, 300);
    assert.deepEqual(back.steps?.slice(0, 300), steps.slice(0, 300), 'every input as the log held it');
    assert.equal(steps.x(1), Math.fround(Math.sin(1)), 'a move is kept as float32, as the wire carries it');
    assert.deepEqual(steps.slice(7, 1)[0]?.move, new Game.Vec2T(0, 0), 'no move is a zero move');
    const none = big.decode(
      'MatchCheckpoint',
      big.encode({ type: 'MatchCheckpoint', body: { ...body, steps: new StepInputLog() } }),
    );
    assert.ok(none.ok);
    assert.equal((none.value.body as MatchCheckpointBody).steps, undefined, 'no steps decode as none');
    for (let cut = 1; cut < 64; cut += 7) {
      const bytes = big.encode({ type: 'MatchCheckpoint', body });
      assert.ok(!big.decode('MatchCheckpoint', bytes.subarray(0, bytes.length - cut)).ok, `cut by ${cut} bytes`);
    }
  });

  test('a type that passes through is verified on the way in and relayed as the same bytes', () => {
    const relay = createProtocolRegistry().passThrough('Snapshot');
    const bytes = registry.encode({ type: 'Snapshot', body: snapshot() });
    const decoded = relay.decode('Snapshot', bytes);
    assert.ok(decoded.ok);
    const body = decoded.value.body as Uint8Array;
    assert.ok(body instanceof Uint8Array);
    assert.deepEqual(body, bytes);
    assert.notEqual(body.buffer, bytes.buffer, 'a copy, so a reused frame buffer cannot change it');
    assert.equal(relay.encode({ type: 'Snapshot', body }), body);
    const truncated = relay.decode('Snapshot', bytes.subarray(0, bytes.length - 9));
    assert.ok(!truncated.ok, 'still verified');
    assert.throws(() => relay.encode({ type: 'Snapshot', body: snapshot() }), /must be bytes/);
    assert.throws(() => relay.passThrough('Nope'), /only a registered message type/);
  });

  test('client input with non-finite or out-of-range numbers is refused', () => {
    for (const move of [
      new Game.Vec2T(Number.NaN, 0),
      new Game.Vec2T(0, 1.5),
      new Game.Vec2T(Number.POSITIVE_INFINITY, 0),
    ]) {
      const input = clientInput();
      input.move = move;
      const decoded = registry.decode('ClientInput', registry.encode({ type: 'ClientInput', body: input }));
      assert.ok(!decoded.ok);
      assert.equal(decoded.error.code, ErrorCode.InvalidArgument);
    }
    const input = clientInput();
    input.aim = new Game.Vec2T(Number.NaN, 0);
    assert.ok(!registry.decode('ClientInput', registry.encode({ type: 'ClientInput', body: input })).ok);
  });

  test('a player input carries a client input checked the same way', () => {
    const ok = new Game.PlayerInputT('p-1', clientInput());
    assert.deepEqual(roundTrip('PlayerInput', ok), ok);
    const bad = clientInput();
    bad.move = new Game.Vec2T(Number.NaN, 0);
    const decoded = registry.decode(
      'PlayerInput',
      registry.encode({ type: 'PlayerInput', body: new Game.PlayerInputT('p-1', bad) }),
    );
    assert.ok(!decoded.ok);
    assert.equal(decoded.error.code, ErrorCode.InvalidArgument);
  });

  test('unknown types are refused on both paths', () => {
    assert.throws(() => registry.encode({ type: 'Nope' }), { name: 'ProtocolError', code: ErrorCode.UnknownMessage });
    const decoded = registry.decode('Nope', new Uint8Array(8));
    assert.ok(!decoded.ok);
    assert.equal(decoded.error.code, ErrorCode.UnknownMessage);
  });

  test('messages without fields travel as an empty body', () => {
    const local = new MessageRegistry().registerEmpty('increment');
    const body = local.encode({ type: 'increment' });
    assert.equal(body.length, 0);
    const decoded = local.decode('increment', body);
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value, { type: 'increment', body: undefined });
    assert.ok(!local.decode('increment', new Uint8Array(4)).ok);
    assert.throws(() => local.registerEmpty('increment'), /registered twice/);
  });

  test('a body over the string or vector limits is refused', () => {
    const strict = createProtocolRegistry({ maxStringBytes: 8, maxVectorLength: 4 });
    const longName = new Game.PlayerProfileT('p-1', 'a very long name indeed', 0);
    const name = strict.decode('PlayerProfile', strict.encode({ type: 'PlayerProfile', body: longName }));
    assert.ok(!name.ok);
    assert.equal(name.error.code, ErrorCode.TooLarge);
    const many = strict.decode('Snapshot', strict.encode({ type: 'Snapshot', body: snapshot(5) }));
    assert.ok(!many.ok);
    assert.equal(many.error.code, ErrorCode.TooLarge);
  });
});

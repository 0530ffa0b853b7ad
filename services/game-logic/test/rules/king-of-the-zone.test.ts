import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Game, KING_ZONE } from '@packetflow/protocol';
import { kingOfTheZone, MatchState, PlayerState } from '../../src/index.js';

const RATE = 30;
const at = (entity: number, x: number, z = 0) =>
  new Game.EntityTransformT(entity, new Game.Vec3T(x, 0.9, z), new Game.QuatT(0, 0, 0, 1));

function match(players: number[]): MatchState {
  const state = new MatchState('king');
  for (const entity of players)
    state.players.set(`p${entity}`, new PlayerState(`p${entity}`, entity, state.inputStats));
  return state;
}
const score = (state: MatchState, entity: number) => state.players.get(`p${entity}`)!.score;

function run(rule: ReturnType<typeof kingOfTheZone>, state: MatchState, ticks: number, from = 1): void {
  for (let t = from; t < from + ticks; t++) rule.onTick(state, { tick: t, rateHz: RATE });
}

describe('king of the zone', () => {
  test('a player alone in the zone scores a point for each second there', () => {
    const state = match([1000, 1001]);
    const rule = kingOfTheZone();
    state.transforms.set(1000, at(1000, KING_ZONE.x + KING_ZONE.radius * 0.5, KING_ZONE.z));
    state.transforms.set(1001, at(1001, KING_ZONE.x + KING_ZONE.radius * 3, KING_ZONE.z));
    run(rule, state, RATE - 1);
    assert.equal(score(state, 1000), 0, 'not before a whole second');
    run(rule, state, 1, RATE);
    assert.equal(score(state, 1000), 1);
    run(rule, state, 2 * RATE, RATE + 1);
    assert.deepEqual([score(state, 1000), score(state, 1001)], [3, 0]);
  });

  test('two players in the zone stop the count for both; what was counted is kept', () => {
    const state = match([1000, 1001]);
    const rule = kingOfTheZone();
    state.transforms.set(1000, at(1000, 0));
    state.transforms.set(1001, at(1001, 10));
    run(rule, state, RATE / 2);
    state.transforms.set(1001, at(1001, 1));
    run(rule, state, 5 * RATE, 100);
    assert.deepEqual([score(state, 1000), score(state, 1001)], [0, 0], 'contested: nobody scores');
    state.transforms.set(1001, at(1001, 10));
    run(rule, state, RATE / 2, 1000);
    assert.deepEqual([score(state, 1000), score(state, 1001)], [1, 0], 'half a second before, half after');
  });

  test('a player who left is forgotten; the zone is measured on the floor, whatever the height', () => {
    const state = match([1000]);
    const rule = kingOfTheZone({ x: 4, z: -4, radius: 1 });
    state.transforms.set(
      1000,
      new Game.EntityTransformT(1000, new Game.Vec3T(4.5, 3, -4.5), new Game.QuatT(0, 0, 0, 1)),
    );
    run(rule, state, RATE - 1);
    rule.onLeave?.(state, state.players.get('p1000')!);
    run(rule, state, RATE - 1, RATE);
    assert.equal(score(state, 1000), 0, 'the time before leaving does not count after');
    run(rule, state, 1, 2 * RATE);
    assert.equal(score(state, 1000), 1);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Game } from '@packetflow/protocol';
import { MatchState, PlayerState, scoreTouches, TOUCH_DISTANCE, touchScoring } from '../../src/index.js';

const at = (entity: number, x: number, z = 0) =>
  new Game.EntityTransformT(entity, new Game.Vec3T(x, 0.5, z), new Game.QuatT(0, 0, 0, 1));

function match(players: number[]): MatchState {
  const state = new MatchState('rules');
  for (const entity of players)
    state.players.set(`p${entity}`, new PlayerState(`p${entity}`, entity, state.inputStats));
  return state;
}

const score = (state: MatchState, entity: number) => state.players.get(`p${entity}`)!.score;

describe('touch scoring', () => {
  test('as a rule, it forgets a player who left: back in the match, the same touch scores again', () => {
    const state = match([1000]);
    const rule = touchScoring();
    state.transforms.set(1, at(1, 0));
    state.transforms.set(1000, at(1000, 0.5));
    rule.onTick(state, { tick: 1, rateHz: 30 });
    assert.equal(score(state, 1000), 1);
    rule.onLeave?.(state, state.players.get('p1000')!);
    assert.equal(state.touching.has(1000), false);
    rule.onTick(state, { tick: 2, rateHz: 30 });
    assert.equal(score(state, 1000), 2);
  });

  test('a player scores once as it starts touching a prop, not while it stays, and again after leaving', () => {
    const state = match([1000]);
    state.transforms.set(1, at(1, 0));
    state.transforms.set(1000, at(1000, 5));
    scoreTouches(state);
    assert.equal(score(state, 1000), 0, 'out of reach');
    state.transforms.set(1000, at(1000, TOUCH_DISTANCE * 0.9));
    scoreTouches(state);
    scoreTouches(state);
    assert.equal(score(state, 1000), 1, 'one point for one touch however long it lasts');
    state.transforms.set(1000, at(1000, 5));
    scoreTouches(state);
    state.transforms.set(1000, at(1000, -TOUCH_DISTANCE * 0.5));
    scoreTouches(state);
    assert.equal(score(state, 1000), 2, 'a new touch after leaving scores again');
  });

  test('each player scores its own touches; players touching each other score nothing', () => {
    const state = match([1000, 1001]);
    state.transforms.set(1, at(1, 0));
    state.transforms.set(2, at(2, 10));
    state.transforms.set(1000, at(1000, 0.5));
    state.transforms.set(1001, at(1001, 0.9));
    scoreTouches(state);
    assert.deepEqual([score(state, 1000), score(state, 1001)], [1, 1]);
    state.transforms.set(1001, at(1001, 10.3));
    scoreTouches(state);
    assert.deepEqual([score(state, 1000), score(state, 1001)], [1, 2]);
  });

  test('holds any number of props, and a player without a transform yet scores nothing', () => {
    const state = match([1000, 1001]);
    for (let prop = 1; prop <= 200; prop++) state.transforms.set(prop, at(prop, prop * 10));
    state.transforms.set(1000, at(1000, 1990));
    scoreTouches(state);
    assert.equal(score(state, 1000), 1, 'the 199th prop, past the first scratch size');
    assert.equal(score(state, 1001), 0);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActorSystem, defineBehavior } from '@packetflow/actors';
import { InputPacer } from '../src/rooms/input-pacer.js';

/** A real actor that records each input it is told and the burst (turn of the event loop) it came in. */
async function recordingMatch() {
  const system = await ActorSystem.start({ nodeId: 'pacer-test' });
  const received: { n: number; turn: number }[] = [];
  let turn = 0;
  const advance = setInterval(() => turn++, 0);
  system.register(
    'match',
    defineBehavior<undefined, InputMessage>({
      initial: () => undefined,
      handlers: {
        Input: (message) => {
          received.push({ n: message.n, turn });
        },
      },
    }),
  );
  const ref = system.ref<InputMessage>('match', 'm1');
  const stop = async () => {
    clearInterval(advance);
    await system.shutdown();
  };
  return { system, ref, received, stop };
}

interface InputMessage {
  readonly type: 'Input';
  readonly n: number;
}
const input = (n: number): InputMessage => ({ type: 'Input', n });

describe('InputPacer', () => {
  it('sends the first input after a quiet spell at once, and the rest in one burst when the interval is up', async () => {
    const match = await recordingMatch();
    let clock = 0;
    const pacer = new InputPacer(
      (to, message) => match.system.tell(to, message),
      4,
      () => clock,
    );
    pacer.forward(match.ref, input(1));
    assert.equal(pacer.bursts, 1, 'the first input goes at once');
    clock = 1;
    pacer.forward(match.ref, input(2));
    clock = 2;
    pacer.forward(match.ref, input(3));
    assert.equal(pacer.bursts, 1, 'inputs within the interval are held');
    clock = 4;
    pacer.forward(match.ref, input(4));
    assert.equal(pacer.bursts, 2, 'the first input after the interval sends the held ones with it');
    await sleep(10);
    assert.deepEqual(
      match.received.map((r) => r.n),
      [1, 2, 3, 4],
      'in the order they came',
    );
    await match.stop();
  });

  it('sends held inputs by a timer when no other input comes, and nothing is left behind', async () => {
    const match = await recordingMatch();
    const pacer = new InputPacer((to, message) => match.system.tell(to, message), 20);
    for (let n = 1; n <= 5; n++) pacer.forward(match.ref, input(n));
    assert.equal(pacer.bursts, 1);
    await sleep(5);
    assert.deepEqual(
      match.received.map((r) => r.n),
      [1],
      'the rest wait for the interval',
    );
    await sleep(60);
    assert.deepEqual(
      match.received.map((r) => r.n),
      [1, 2, 3, 4, 5],
    );
    assert.equal(pacer.bursts, 2);
    const burst = match.received.slice(1).map((r) => r.turn);
    assert.equal(new Set(burst).size, 1, 'the held inputs arrive together');
    await match.stop();
  });

  it('flush sends what is held at once (a closing gateway)', async () => {
    const sent: number[] = [];
    const pacer = new InputPacer((_to, message) => sent.push((message as InputMessage).n), 1000);
    const system = await ActorSystem.start({ nodeId: 'pacer-flush' });
    const ref = system.ref('match', 'm1');
    for (let n = 1; n <= 3; n++) pacer.forward(ref, input(n));
    assert.deepEqual(sent, [1]);
    pacer.flush();
    assert.deepEqual(sent, [1, 2, 3]);
    pacer.flush();
    assert.equal(pacer.bursts, 2, 'an empty flush is no burst');
    await system.shutdown();
  });

  it('an interval of 0 sends every input as it comes', async () => {
    const sent: number[] = [];
    const pacer = new InputPacer((_to, message) => sent.push((message as InputMessage).n), 0);
    const system = await ActorSystem.start({ nodeId: 'pacer-zero' });
    const ref = system.ref('match', 'm1');
    for (let n = 1; n <= 3; n++) pacer.forward(ref, input(n));
    assert.deepEqual(sent, [1, 2, 3]);
    assert.equal(pacer.bursts, 3);
    await system.shutdown();
  });

  it('refuses an interval that is not a number of milliseconds', () => {
    assert.throws(() => new InputPacer(() => {}, Number.NaN), /input interval/);
    assert.throws(() => new InputPacer(() => {}, -1), /input interval/);
  });
});

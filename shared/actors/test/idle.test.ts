import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ActorSystem, type Message } from '../src/index.js';
import { delay, recordingLogger, waitFor } from './helpers.js';

describe('idle deactivation', () => {
  let system: ActorSystem;
  let deactivated: { id: string; state: { value: number } }[];
  let initials: number;

  beforeEach(async () => {
    deactivated = [];
    initials = 0;
    system = await ActorSystem.start({ logger: recordingLogger(), idleSweepMs: 5 });
    system.register('session', {
      initial: () => {
        initials++;
        return { value: 0 };
      },
      idleTimeoutMs: 30,
      onDeactivate: (state, id) => deactivated.push({ id, state }),
      handlers: {
        increment: (_msg: Message, ctx) => ++ctx.state.value,
      },
    });
  });

  afterEach(() => system.shutdown());

  it('drops an idle virtual actor, calls onDeactivate, and re-activates it fresh on its next message', async () => {
    const ref = system.ref('session', 's1');
    assert.equal(await system.send(ref, { type: 'increment' }), 1);
    assert.equal(await system.send(ref, { type: 'increment' }), 2);
    await waitFor(() => system.activeActors === 0, 'deactivation');
    assert.deepEqual(deactivated, [{ id: 's1', state: { value: 2 } }]);
    assert.equal(system.stats.deactivations, 1);
    assert.equal(await system.send(ref, { type: 'increment' }), 1, 'state was dropped');
    assert.equal(initials, 2);
  });

  it('keeps an actor that keeps receiving messages', async () => {
    const ref = system.ref('session', 'busy');
    const until = Date.now() + 150;
    let last = 0;
    while (Date.now() < until) {
      last = (await system.send(ref, { type: 'increment' })) as number;
      await delay(5);
    }
    assert.ok(last > 1);
    assert.equal(initials, 1, 'never deactivated while in use');
  });

  it('does not deactivate explicitly created actors', async () => {
    const ref = await system.create('session');
    await system.send(ref, { type: 'increment' });
    const other = system.ref('session', 'virtual');
    await system.send(other, { type: 'increment' });
    await waitFor(() => system.stats.deactivations === 1, 'the virtual one deactivating');
    await delay(60);
    assert.equal(await system.send(ref, { type: 'increment' }), 2);
    assert.equal(system.activeActors, 1);
  });

  it('never keeps the process alive: a script that does not shut down still exits', () => {
    const index = new URL('../src/index.js', import.meta.url).href;
    const script = `
      const { ActorSystem } = await import(${JSON.stringify(index)});
      const system = await ActorSystem.start({ idleSweepMs: 10 });
      system.register('k', { initial: () => ({}), idleTimeoutMs: 1000, handlers: { hi: () => 'hi' } });
      console.log(await system.send(system.ref('k', 'a'), { type: 'hi' }));
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      // Only a hung child should reach this: a loaded machine has taken ten seconds to start one.
      timeout: 60_000,
    });
    assert.equal(result.signal, null, 'exited on its own rather than being killed by the timeout');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'hi');
  });
});

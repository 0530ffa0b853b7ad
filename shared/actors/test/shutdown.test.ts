import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActorError, ActorStoppedError, ActorSystem, type Message, SystemStoppedError } from '../src/index.js';
import { deferred, recordingLogger } from './helpers.js';

describe('shutdown', () => {
  it('drains queued messages, including async ones, before stopping', async () => {
    const system = await ActorSystem.start({ logger: recordingLogger() });
    const handled: number[] = [];
    system.register('worker', {
      initial: () => ({}),
      handlers: {
        work: async (msg: Message & { n?: number }) => {
          await new Promise((resolve) => setTimeout(resolve, 2));
          handled.push(msg.n ?? -1);
          return msg.n;
        },
      },
    });
    const ref = system.ref('worker', 'w');
    const replies = [1, 2, 3, 4].map((n) => system.send(ref, { type: 'work', n } as Message));
    await system.shutdown();
    assert.deepEqual(handled, [1, 2, 3, 4]);
    assert.deepEqual(await Promise.all(replies), [1, 2, 3, 4]);
    assert.equal(system.activeActors, 0);
  });

  it('rejects sends after shutdown with SystemStoppedError and dead-letters tells', async () => {
    const system = await ActorSystem.start({ logger: recordingLogger() });
    system.register('echo', { initial: () => ({}), handlers: { hi: () => 'hi' } });
    const ref = system.ref('echo', 'e');
    assert.equal(await system.send(ref, { type: 'hi' }), 'hi');
    const stopping = system.shutdown();
    await assert.rejects(system.send(ref, { type: 'hi' }), (error) => {
      assert.ok(error instanceof SystemStoppedError);
      assert.ok(error instanceof ActorError);
      assert.equal(error.code, 'system_stopped');
      return true;
    });
    await stopping;
    await assert.rejects(system.send(ref, { type: 'hi' }), SystemStoppedError);
    await assert.rejects(system.create('echo'), SystemStoppedError);
    system.tell(ref, { type: 'hi' });
    assert.equal(system.stats.deadLetters, 1);
    assert.equal(system.shutdown(), stopping, 'shutdown is idempotent');
  });

  it('lets actors keep talking to each other while draining', async () => {
    const system = await ActorSystem.start({ logger: recordingLogger() });
    system.register('relay', {
      initial: () => ({}),
      handlers: {
        forward: (_msg: Message, ctx) => ctx.send(ctx.system.ref('relay', 'end'), { type: 'answer' }),
        answer: () => 42,
      },
    });
    const reply = system.send(system.ref('relay', 'start'), { type: 'forward' });
    await system.shutdown();
    assert.equal(await reply, 42);
  });

  it('gives up on a handler that never settles after the drain timeout and rejects its ask', async () => {
    const system = await ActorSystem.start({ logger: recordingLogger(), defaultAskTimeoutMs: 60_000 });
    const never = deferred();
    system.register('stuck', { initial: () => ({}), handlers: { wait: () => never.promise, hi: () => 'hi' } });
    const ref = system.ref('stuck', 's');
    const stuck = system.send(ref, { type: 'wait' });
    const queued = system.send(ref, { type: 'hi' });
    await system.shutdown({ drainTimeoutMs: 20 });
    await assert.rejects(stuck, SystemStoppedError);
    await assert.rejects(queued, ActorStoppedError);
  });
});

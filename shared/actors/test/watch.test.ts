import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type ActorRef, ActorSystem, type Down, type Message } from '../src/index.js';
import { recordingLogger, waitFor } from './helpers.js';

type WatcherMessage = { type: 'watch'; target: ActorRef } | { type: 'unwatch'; target: ActorRef } | Down;

describe('watch', () => {
  let system: ActorSystem;
  let downs: Down[];

  beforeEach(async () => {
    downs = [];
    system = await ActorSystem.start({ logger: recordingLogger(), idleSweepMs: 5 });
    system.register<Record<string, never>, WatcherMessage>('watcher', {
      initial: () => ({}),
      handlers: {
        watch: (msg, ctx) => ctx.watch(msg.target),
        unwatch: (msg, ctx) => ctx.unwatch(msg.target),
        Down: (msg) => {
          downs.push(msg);
        },
      },
    });
    system.register('target', {
      initial: () => ({}),
      supervision: { strategy: 'restart', maxRestarts: 1, withinMs: 60_000 },
      idleTimeoutMs: 20,
      handlers: {
        ping: () => 'pong',
        quit: (_msg: Message, ctx) => ctx.stop(),
        boom: () => {
          throw new Error('boom');
        },
      },
    });
  });

  afterEach(() => system.shutdown());

  async function watching(target: ActorRef): Promise<ActorRef<WatcherMessage>> {
    const watcher = await system.create<WatcherMessage>('watcher');
    await system.send(watcher, { type: 'watch', target });
    return watcher;
  }

  it('delivers Down with reason normal when the watched actor stops itself', async () => {
    const target = await system.create('target');
    await watching(target);
    await system.send(target, { type: 'quit' });
    await waitFor(() => downs.length === 1, 'Down');
    assert.equal(downs[0]?.type, 'Down');
    assert.equal(downs[0]?.reason, 'normal');
    assert.equal(downs[0]?.actor.id, target.id);
  });

  it('delivers Down with reason failed and the error when the budget is exceeded', async () => {
    const target = system.ref('target', 't');
    await watching(target);
    system.tell(target, { type: 'boom' });
    assert.equal(await system.send(target, { type: 'ping' }), 'pong', 'first failure is restarted, no Down');
    system.tell(target, { type: 'boom' });
    await waitFor(() => downs.length === 1, 'Down');
    assert.equal(downs[0]?.reason, 'failed');
    assert.equal(downs[0]?.detail, 'boom');
    assert.equal((downs[0]!.error as Error).message, 'boom');
  });

  it('watching an actor that is already gone delivers Down at once', async () => {
    const target = await system.create('target');
    await system.send(target, { type: 'quit' });
    await watching(target);
    await waitFor(() => downs.length === 1, 'Down');
    assert.equal(downs[0]?.reason, 'no_actor');
    await watching(system.ref('no-such-kind', 'x'));
    await waitFor(() => downs.length === 2, 'second Down');
    assert.equal(downs[1]?.reason, 'no_actor');
  });

  it('does not treat idle deactivation of a virtual actor as a death, and the watch survives it', async () => {
    const target = system.ref('target', 'idle');
    await system.send(target, { type: 'ping' });
    await watching(target);
    const deactivations = system.stats.deactivations;
    await waitFor(() => system.stats.deactivations > deactivations, 'idle deactivation');
    assert.equal(downs.length, 0);
    system.tell(target, { type: 'quit' });
    await waitFor(() => downs.length === 1, 'Down after re-activation');
    assert.equal(downs[0]?.reason, 'normal');
  });

  it('unwatch stops Down from being delivered', async () => {
    const target = await system.create('target');
    const watcher = await watching(target);
    await system.send(watcher, { type: 'unwatch', target });
    await system.send(target, { type: 'quit' });
    await watching(system.ref('no-such-kind', 'x'));
    await waitFor(() => downs.length === 1, 'the probe Down');
    assert.equal(downs[0]?.actor.kind, 'no-such-kind', 'only the probe reported, not the unwatched target');
  });
});

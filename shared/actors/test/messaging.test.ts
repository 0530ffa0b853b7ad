import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  ActorSystem,
  AskTimeoutError,
  defineBehavior,
  type Message,
  UnknownKindError,
  UnknownMessageError,
} from '../src/index.js';
import { deferred, recordingLogger } from './helpers.js';

type CounterMessage = { type: 'increment'; by?: number } | { type: 'get_value' } | { type: 'reset'; to: number };

const counter = defineBehavior<{ value: number }, CounterMessage, { value: number }>({
  initial: (_id, init) => ({ value: init?.value ?? 0 }),
  handlers: {
    increment: (msg, ctx) => {
      ctx.state.value += msg.by ?? 1;
      return { value: ctx.state.value };
    },
    get_value: (_msg, ctx) => ({ value: ctx.state.value }),
    reset: (msg, ctx) => {
      ctx.state = { value: msg.to };
      return { value: ctx.state.value };
    },
  },
});

describe('messaging', () => {
  let system: ActorSystem;
  let logger: ReturnType<typeof recordingLogger>;

  beforeEach(async () => {
    logger = recordingLogger();
    system = await ActorSystem.start({ logger, defaultAskTimeoutMs: 2000 });
    system.register('counter', counter);
  });

  afterEach(() => system.shutdown());

  it('asks resolve with the handler return value and tells are applied in order', async () => {
    const ref = await system.create<CounterMessage>('counter', { value: 10 });
    system.tell(ref, { type: 'increment' });
    system.tell(ref, { type: 'increment', by: 5 });
    assert.deepEqual(await system.send(ref, { type: 'get_value' }), { value: 16 });
    assert.deepEqual(await system.send(ref, { type: 'reset', to: 3 }), { value: 3 });
    assert.deepEqual(await system.send(ref, { type: 'increment' }), { value: 4 });
  });

  it('handles one message at a time, FIFO, even when a handler is async', async () => {
    const log: string[] = [];
    system.register('slow', {
      initial: () => ({}),
      handlers: {
        step: async (msg: Message & { n?: number }) => {
          log.push(`start ${msg.n}`);
          await new Promise((resolve) => setTimeout(resolve, 5));
          log.push(`end ${msg.n}`);
          return msg.n;
        },
      },
    });
    const ref = system.ref('slow', 'one');
    const replies = [1, 2, 3].map((n) => system.send(ref, { type: 'step', n } as Message));
    assert.deepEqual(await Promise.all(replies), [1, 2, 3]);
    assert.deepEqual(log, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('keeps other actors running while one awaits', async () => {
    const gate = deferred();
    system.register('waiter', {
      initial: () => ({}),
      handlers: { wait: () => gate.promise.then(() => 'released') },
    });
    const waiting = system.send(system.ref('waiter', 'w'), { type: 'wait' });
    const other = system.ref<CounterMessage>('counter', 'busy');
    for (let i = 0; i < 100; i++) system.tell(other, { type: 'increment' });
    assert.deepEqual(await system.send(other, { type: 'get_value' }), { value: 100 });
    gate.resolve();
    assert.equal(await waiting, 'released');
  });

  it('passes the message object by reference and tells the receiver who sent it', async () => {
    const seen: unknown[] = [];
    system.register('echo', {
      initial: () => ({}),
      handlers: {
        ping: (msg, ctx) => {
          seen.push(msg);
          ctx.tell(ctx.sender!, { type: 'pong' });
        },
      },
    });
    system.register('caller', {
      initial: () => ({ pongs: 0, external: true as boolean }),
      handlers: {
        start: (msg: Message & { payload?: object }, ctx) => {
          ctx.state.external = ctx.sender === undefined;
          ctx.tell(ctx.system.ref('echo', 'e'), { type: 'ping', payload: msg.payload } as Message);
        },
        pong: (_msg, ctx) => {
          ctx.state.pongs++;
        },
        pongs: (_msg, ctx) => ctx.state,
      },
    });
    const payload = { big: [1, 2, 3] };
    const caller = system.ref('caller', 'c');
    system.tell(caller, { type: 'start', payload } as Message);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(await system.send(caller, { type: 'pongs' }), { pongs: 1, external: true });
    assert.equal((seen[0] as { payload: object }).payload, payload);
  });

  it('activates a virtual actor only when its first message arrives', async () => {
    let activations = 0;
    system.register('lazy', {
      initial: (id) => {
        activations++;
        return { id };
      },
      handlers: { whoami: (_msg, ctx) => ctx.state.id },
    });
    const ref = system.ref('lazy', 'abc');
    assert.equal(activations, 0);
    assert.equal(system.activeActors, 0);
    assert.equal(await system.send(ref, { type: 'whoami' }), 'abc');
    assert.equal(await system.send(system.ref('lazy', 'abc'), { type: 'whoami' }), 'abc');
    assert.equal(activations, 1);
    assert.equal(system.stats.activations, 1);
  });

  it('rejects asks to an unknown kind with UnknownKindError and dead-letters tells', async () => {
    const ref = system.ref('nope', 'x');
    await assert.rejects(system.send(ref, { type: 'hello' }), (error) => {
      assert.ok(error instanceof UnknownKindError);
      assert.equal(error.code, 'unknown_kind');
      assert.equal(error.kind, 'nope');
      return true;
    });
    assert.doesNotThrow(() => system.tell(ref, { type: 'hello' }));
    assert.equal(system.stats.deadLetters, 1);
    assert.equal(logger.warnings.length, 1);
    await assert.rejects(system.create('nope'), UnknownKindError);
  });

  it('rejects an ask for a message without a handler and keeps the actor running', async () => {
    const ref = system.ref<CounterMessage>('counter', 'u');
    system.tell(ref, { type: 'increment' });
    await assert.rejects(system.send(ref, { type: 'frobnicate' } as unknown as CounterMessage), (error) => {
      assert.ok(error instanceof UnknownMessageError);
      assert.equal(error.code, 'unknown_message');
      assert.equal(error.messageType, 'frobnicate');
      return true;
    });
    // @ts-expect-error a typed ref only accepts its own messages; at run time the stray one is dead-lettered
    system.tell(ref, { type: 'toString' });
    assert.deepEqual(await system.send(ref, { type: 'get_value' }), { value: 1 });
    assert.equal(system.stats.deadLetters, 1);
  });

  it('times out an ask with AskTimeoutError and drops the late reply', async () => {
    const release = deferred();
    system.register('sleepy', {
      initial: () => ({}),
      handlers: { nap: () => release.promise.then(() => 'awake') },
    });
    const ref = system.ref('sleepy', 's');
    const started = Date.now();
    await assert.rejects(system.send(ref, { type: 'nap' }, { timeoutMs: 20 }), (error) => {
      assert.ok(error instanceof AskTimeoutError);
      assert.equal(error.code, 'ask_timeout');
      assert.equal(error.timeoutMs, 20);
      return true;
    });
    assert.ok(Date.now() - started >= 15, 'the deadline is not cut short');
    assert.equal(system.stats.askTimeouts, 1);
    assert.equal(system.stats.lateReplies, 0);
    release.resolve();
    assert.equal(await system.send(ref, { type: 'nap' }), 'awake');
    assert.equal(system.stats.lateReplies, 1);
  });

  it('does not run the handler of an ask whose deadline passed while it waited in the mailbox', async () => {
    const release = deferred();
    let ran = 0;
    system.register('queue', {
      initial: () => ({}),
      handlers: { block: () => release.promise, work: () => ++ran },
    });
    const ref = system.ref('queue', 'q');
    const blocking = system.send(ref, { type: 'block' });
    await assert.rejects(system.send(ref, { type: 'work' }, { timeoutMs: 10 }), AskTimeoutError);
    release.resolve();
    await blocking;
    assert.equal(await system.send(ref, { type: 'work' }), 1, 'only the ask still awaited ran');
    assert.equal(system.stats.expiredAsks, 1);
  });

  it('applies the default ask deadline from the options', async () => {
    const fast = await ActorSystem.start({ defaultAskTimeoutMs: 10, logger });
    fast.register('never', { initial: () => ({}), handlers: { wait: () => new Promise(() => {}) } });
    await assert.rejects(fast.send(fast.ref('never', 'n'), { type: 'wait' }), AskTimeoutError);
    await fast.shutdown({ drainTimeoutMs: 10 });
  });

  it('lets an actor ask another actor and await the reply inside its handler', async () => {
    system.register('proxy', {
      initial: () => ({}),
      handlers: {
        read: async (_msg, ctx) => {
          const target = ctx.system.ref<CounterMessage>('counter', 'behind-proxy');
          ctx.tell(target, { type: 'increment', by: 41 });
          const reply = await ctx.send<{ value: number }, CounterMessage>(target, { type: 'increment' });
          return reply.value;
        },
      },
    });
    assert.equal(await system.send(system.ref('proxy', 'p'), { type: 'read' }), 42);
  });

  it('infers the state type from initial() when registering inline', async () => {
    system.register('inferred', {
      initial: () => ({ items: [] as string[] }),
      handlers: {
        add: (msg, ctx) => {
          ctx.state.items.push(msg.type);
          return ctx.state.items.length;
        },
      },
    });
    const ref = system.ref('inferred', 'i');
    assert.equal(await system.send(ref, { type: 'add' }), 1);
    assert.equal(await system.send(ref, { type: 'add' }), 2);
  });
});

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  type ActorRef,
  ActorStoppedError,
  ActorSystem,
  HandlerError,
  type Message,
  RefusedError,
  type SupervisionPolicy,
} from '../src/index.js';
import { deferred, recordingLogger } from './helpers.js';

/** An actor that counts, and fails on `boom` (synchronously) or `reject` (through a rejected promise). */
function fragile(supervision?: SupervisionPolicy, onInitial?: (id: string) => void) {
  return {
    initial: (id: string, init?: { value: number }) => {
      onInitial?.(id);
      return { value: init?.value ?? 0 };
    },
    handlers: {
      increment: (_msg: Message, ctx: { state: { value: number } }) => ++ctx.state.value,
      get: (_msg: Message, ctx: { state: { value: number } }) => ctx.state.value,
      boom: () => {
        throw new Error('boom');
      },
      reject: async () => {
        throw new Error('rejected');
      },
      refuse: async () => {
        throw new RefusedError('not allowed');
      },
    },
    ...(supervision ? { supervision } : {}),
  };
}

describe('supervision', () => {
  let system: ActorSystem;
  let logger: ReturnType<typeof recordingLogger>;
  const escalations: { error: unknown; actor: ActorRef }[] = [];

  beforeEach(async () => {
    logger = recordingLogger();
    escalations.length = 0;
    system = await ActorSystem.start({ logger, onEscalation: (error, actor) => escalations.push({ error, actor }) });
  });

  afterEach(() => system.shutdown());

  it('rejects the ask with a HandlerError carrying the cause, sync or async', async () => {
    system.register('fragile', fragile());
    const ref = system.ref('fragile', 'a');
    await assert.rejects(system.send(ref, { type: 'boom' }), (error) => {
      assert.ok(error instanceof HandlerError);
      assert.equal(error.code, 'handler_failed');
      assert.equal(error.messageType, 'boom');
      assert.equal((error.cause as Error).message, 'boom');
      return true;
    });
    await assert.rejects(system.send(ref, { type: 'reject' }), (error) => {
      assert.ok(error instanceof HandlerError);
      assert.equal((error.cause as Error).message, 'rejected');
      return true;
    });
  });

  it('a refusal rejects the ask but is no failure: no restart, the state stays', async () => {
    system.register('fragile', fragile({ strategy: 'restart', maxRestarts: 0, withinMs: 1000 }));
    const ref = system.ref('fragile', 'r');
    await system.send(ref, { type: 'increment' });
    for (let i = 0; i < 3; i++) await assert.rejects(system.send(ref, { type: 'refuse' }), RefusedError);
    system.tell(ref, { type: 'refuse' });
    assert.equal(await system.send(ref, { type: 'get' }), 1);
    assert.equal(system.stats.restarts, 0);
    assert.equal(system.stats.stops, 0);
    assert.ok(logger.warnings.includes('message refused'), 'a refused tell is logged');
  });

  it('restarts with fresh state and keeps the queued messages', async () => {
    let initials = 0;
    system.register(
      'fragile',
      fragile({ strategy: 'restart', maxRestarts: 3, withinMs: 60_000 }, () => initials++),
    );
    const ref = await system.create('fragile', { value: 100 });
    system.tell(ref, { type: 'increment' });
    system.tell(ref, { type: 'boom' });
    system.tell(ref, { type: 'increment' });
    system.tell(ref, { type: 'increment' });
    const afterRestart = system.send(ref, { type: 'get' });
    assert.equal(await afterRestart, 102, 'init is handed to initial() again, then the two queued increments apply');
    assert.equal(initials, 2);
    assert.equal(system.stats.restarts, 1);
  });

  it('stops the actor once failures exceed the restart budget and rejects what was queued', async () => {
    system.register('fragile', fragile({ strategy: 'restart', maxRestarts: 2, withinMs: 60_000 }));
    const ref = await system.create('fragile');
    const failures = [1, 2, 3].map(() => system.send(ref, { type: 'boom' }));
    const queued = system.send(ref, { type: 'get' });
    for (const failure of failures) await assert.rejects(failure, HandlerError);
    await assert.rejects(queued, ActorStoppedError);
    assert.equal(system.stats.restarts, 2);
    assert.equal(system.stats.stops, 1);
    await assert.rejects(system.send(ref, { type: 'get' }), (error) => {
      assert.ok(error instanceof ActorStoppedError);
      assert.equal(error.code, 'actor_stopped');
      return true;
    });
  });

  it('forgets restarts older than the window', async () => {
    system.register('fragile', fragile({ strategy: 'restart', maxRestarts: 1, withinMs: 30 }));
    const ref = system.ref('fragile', 'w');
    await assert.rejects(system.send(ref, { type: 'boom' }), HandlerError);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await assert.rejects(system.send(ref, { type: 'boom' }), HandlerError);
    assert.equal(await system.send(ref, { type: 'increment' }), 1, 'still the same activation, restarted twice');
    assert.equal(system.stats.restarts, 2);
    assert.equal(system.stats.stops, 0);
  });

  it('with the stop strategy, a failure stops the actor; a virtual one comes back fresh on its next message', async () => {
    let initials = 0;
    system.register(
      'fragile',
      fragile({ strategy: 'stop' }, () => initials++),
    );
    const ref = system.ref('fragile', 'v');
    await system.send(ref, { type: 'increment' });
    await system.send(ref, { type: 'increment' });
    const failed = system.send(ref, { type: 'boom' });
    const queued = system.send(ref, { type: 'get' });
    await assert.rejects(failed, HandlerError);
    await assert.rejects(queued, ActorStoppedError);
    assert.equal(system.activeActors, 0);
    assert.equal(await system.send(ref, { type: 'get' }), 0, 're-activated with initial state');
    assert.equal(initials, 2);
  });

  it('an explicitly created actor that stopped is gone', async () => {
    system.register('fragile', fragile({ strategy: 'stop' }));
    const ref = await system.create('fragile');
    await assert.rejects(system.send(ref, { type: 'boom' }), HandlerError);
    await assert.rejects(system.send(ref, { type: 'get' }), ActorStoppedError);
    system.tell(ref, { type: 'get' });
    assert.equal(system.stats.deadLetters, 1);
  });

  it('escalates a child failure to its parent, which applies its own strategy', async () => {
    let parentInitials = 0;
    system.register('child', fragile({ strategy: 'escalate' }));
    system.register('parent', {
      initial: () => {
        parentInitials++;
        return { child: null as ActorRef | null, generation: parentInitials };
      },
      supervision: { strategy: 'restart', maxRestarts: 5, withinMs: 60_000 },
      handlers: {
        spawn: (_msg: Message, ctx) => {
          ctx.state.child = ctx.create('child');
          return ctx.state.child;
        },
        generation: (_msg: Message, ctx) => ctx.state.generation,
      },
    });
    const parent = system.ref('parent', 'p');
    const child = (await system.send(parent, { type: 'spawn' })) as ActorRef;
    assert.equal(child.node, system.nodeId, 'children are pinned to the node that made them');
    await assert.rejects(system.send(child, { type: 'boom' }), HandlerError);
    await assert.rejects(system.send(child, { type: 'get' }), ActorStoppedError);
    assert.equal(await system.send(parent, { type: 'generation' }), 2, 'the parent was restarted');
    assert.equal(escalations.length, 0);
  });

  it('escalates up a chain until an actor without a parent reports it to onEscalation', async () => {
    system.register('leaf', fragile({ strategy: 'escalate' }));
    system.register('middle', {
      initial: () => ({ leaf: null as ActorRef | null }),
      supervision: { strategy: 'escalate' },
      handlers: {
        spawn: (_msg: Message, ctx) => {
          ctx.state.leaf = ctx.create('leaf');
          return ctx.state.leaf;
        },
      },
    });
    const middle = await system.create('middle');
    const leaf = (await system.send(middle, { type: 'spawn' })) as ActorRef;
    await assert.rejects(system.send(leaf, { type: 'reject' }), HandlerError);
    const deadline = Date.now() + 2000;
    while (escalations.length === 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(escalations.length, 1);
    assert.equal((escalations[0]!.error as Error).message, 'rejected');
    assert.equal(escalations[0]?.actor.id, middle.id);
    await assert.rejects(system.send(middle, { type: 'spawn' }), ActorStoppedError);
  });

  it('without onEscalation, an orphan escalation is logged and the process keeps running', async () => {
    const quiet = recordingLogger();
    const other = await ActorSystem.start({ logger: quiet });
    other.register('fragile', fragile({ strategy: 'escalate' }));
    const ref = other.ref('fragile', 'x');
    other.tell(ref, { type: 'boom' });
    const done = deferred();
    setImmediate(done.resolve);
    await done.promise;
    assert.equal(quiet.errors.length, 1);
    assert.match(quiet.errors[0] ?? '', /escalated/);
    assert.equal(await other.send(ref, { type: 'get' }), 0);
    await other.shutdown();
  });

  it('stops the children of an actor that stops', async () => {
    system.register('child', fragile());
    system.register('parent', {
      initial: () => ({}),
      handlers: {
        spawn: (_msg: Message, ctx) => ctx.create('child'),
        quit: (_msg: Message, ctx) => ctx.stop(),
      },
    });
    const parent = system.ref('parent', 'p');
    const child = (await system.send(parent, { type: 'spawn' })) as ActorRef;
    assert.equal(await system.send(child, { type: 'increment' }), 1);
    await system.send(parent, { type: 'quit' });
    await assert.rejects(system.send(child, { type: 'get' }), ActorStoppedError);
  });

  it('ctx.stop() lets the current handler finish and reply, then rejects the rest', async () => {
    system.register('quitter', {
      initial: () => ({}),
      handlers: {
        quit: async (_msg: Message, ctx) => {
          ctx.stop();
          await new Promise((resolve) => setTimeout(resolve, 5));
          return 'bye';
        },
        hello: () => 'hi',
      },
    });
    const ref = await system.create('quitter');
    const quit = system.send(ref, { type: 'quit' });
    const after = system.send(ref, { type: 'hello' });
    assert.equal(await quit, 'bye');
    await assert.rejects(after, ActorStoppedError);
  });
});

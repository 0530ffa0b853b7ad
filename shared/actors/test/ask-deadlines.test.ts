import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ActorSystem, AskTimeoutError } from '../src/index.js';
import { deferred, recordingLogger } from './helpers.js';

/** Timers that keep the process alive; an unref'd timer is not counted. */
function refedTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

describe('ask deadlines (one timer for all asks)', () => {
  let system: ActorSystem;
  let release: ReturnType<typeof deferred>;

  beforeEach(async () => {
    release = deferred();
    system = await ActorSystem.start({ logger: recordingLogger(), defaultAskTimeoutMs: 60_000 });
    system.register('echo', {
      initial: () => ({}),
      handlers: { echo: () => 'back', hang: () => release.promise.then(() => 'late') },
    });
  });

  afterEach(async () => {
    release.resolve(undefined);
    await system.shutdown();
  });

  it('expires asks of mixed timeouts in deadline order, none before its deadline, none that was answered', async () => {
    const timedOut: { timeoutMs: number; after: number }[] = [];
    const started = performance.now();
    const hanging = [60, 20, 40, 20, 80].map((timeoutMs, i) =>
      system.send(system.ref('echo', `h${i}`), { type: 'hang' }, { timeoutMs }).then(
        () => assert.fail('a hanging ask was answered'),
        (error) => {
          assert.ok(error instanceof AskTimeoutError);
          assert.equal(error.timeoutMs, timeoutMs);
          timedOut.push({ timeoutMs, after: performance.now() - started });
        },
      ),
    );
    // Answered asks under the same timeouts, opened in between, must neither expire nor disturb the others.
    const answered = await Promise.all(
      [20, 40, 60].map((timeoutMs) => system.send(system.ref('echo', 'e'), { type: 'echo' }, { timeoutMs })),
    );
    assert.deepEqual(answered, ['back', 'back', 'back']);
    await Promise.all(hanging);
    assert.deepEqual(
      timedOut.map((t) => t.timeoutMs),
      [20, 20, 40, 60, 80],
    );
    for (const { timeoutMs, after } of timedOut) assert.ok(after >= timeoutMs, `${timeoutMs} ms ask expired early`);
    assert.equal(system.stats.askTimeouts, 5);
    assert.equal(system.stats.lateReplies, 0);
  });

  it('keeps the process alive while an ask waits, and not once every ask is answered', async () => {
    const before = refedTimers();
    const reply = system.send(system.ref('echo', 'e'), { type: 'echo' });
    assert.equal(refedTimers(), before + 1, 'a waiting ask holds the process up');
    assert.equal(await reply, 'back');
    assert.equal(refedTimers(), before, 'an answered ask leaves no timer holding the process');
    const again = system.send(system.ref('echo', 'e'), { type: 'echo' });
    assert.equal(refedTimers(), before + 1);
    await again;
    assert.equal(refedTimers(), before);
  });

  it('a shorter deadline opened after a longer one still expires on time', async () => {
    const long = system.send(system.ref('echo', 'a'), { type: 'hang' }, { timeoutMs: 5000 });
    long.catch(() => {});
    const started = performance.now();
    await assert.rejects(system.send(system.ref('echo', 'b'), { type: 'hang' }, { timeoutMs: 15 }), AskTimeoutError);
    const waited = performance.now() - started;
    assert.ok(waited >= 15, `expired after ${waited} ms`);
  });

  it('an ask with a deadline weeks away waits, beside asks that expire', async () => {
    const weeks = 40 * 24 * 3600 * 1000;
    // Node warns when it cuts a delay short; a timer cut to 1 ms would fire every millisecond until then.
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const distant = system.send(system.ref('echo', 'far'), { type: 'hang' }, { timeoutMs: weeks });
    let settled = false;
    distant.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await assert.rejects(system.send(system.ref('echo', 'near'), { type: 'hang' }, { timeoutMs: 20 }), AskTimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(settled, false, 'setTimeout takes delays past 2^31 - 1 ms for 1 ms; the deadline must not');
    release.resolve(undefined);
    assert.equal(await distant, 'late');
    process.off('warning', onWarning);
    assert.deepEqual(
      warnings.filter((name) => name === 'TimeoutOverflowWarning'),
      [],
    );
  });
});

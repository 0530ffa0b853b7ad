// The supervisor on its own, over real child processes: test/fixtures/child.ts run by ServiceProcess.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ServiceProcess } from '../src/service-process.js';
import {
  type ChildSpec,
  Supervisor,
  type SupervisorEvent,
  type SupervisorOptions,
} from '../src/supervision/supervisor.js';

const CHILD = fileURLToPath(new URL('./fixtures/child.js', import.meta.url));
// Only against a hang: a condition never met fails the test instead of holding the suite.
const DEADLINE_MS = 30_000;
const QUICK = { initialMs: 10, maxMs: 40 };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function until(condition: () => boolean, what: () => string): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function child(id: string, env: Record<string, string> = {}, group = id): ChildSpec<ServiceProcess> {
  return {
    id,
    group,
    restart: 'permanent',
    spawn: () => new ServiceProcess(id, CHILD, { ...process.env, ...env }, () => {}),
    ready: (p) => p.waitFor((line) => line.json?.msg === 'ready', 'its ready line', DEADLINE_MS),
  };
}

/** A supervisor that records its events and every pid it started, so that none outlives a failed test. */
class Recorded {
  readonly events: SupervisorEvent[] = [];
  readonly supervisor: Supervisor<ServiceProcess>;
  readonly pids = new Set<number>();

  constructor(options: Omit<SupervisorOptions, 'onEvent'> = {}) {
    this.supervisor = new Supervisor({ backoff: QUICK, ...options, onEvent: (event) => this.events.push(event) });
    running.push(this);
  }

  async start(spec: ChildSpec<ServiceProcess>): Promise<ServiceProcess> {
    const process = await this.supervisor.start(spec);
    this.pids.add(process.pid);
    return process;
  }

  of<K extends SupervisorEvent['kind']>(kind: K): Extract<SupervisorEvent, { kind: K }>[] {
    return this.events.filter((event): event is Extract<SupervisorEvent, { kind: K }> => event.kind === kind);
  }

  /** Waits for a `kind` event beyond the first `seen` of them, and returns it. */
  async next<K extends SupervisorEvent['kind']>(kind: K, seen: number): Promise<Extract<SupervisorEvent, { kind: K }>> {
    await until(
      () => this.of(kind).length > seen,
      () => `event ${kind} #${seen + 1}; events: ${JSON.stringify(this.events)}`,
    );
    const event = this.of(kind)[seen]!;
    if ('pid' in event) this.pids.add(event.pid);
    return event;
  }

  kill(): void {
    for (const event of this.events) this.pids.add(event.pid);
    for (const pid of this.pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
}

const running: Recorded[] = [];
after(() => {
  for (const recorded of running) recorded.kill();
});

describe('the supervisor, one_for_one over real child processes', () => {
  it('restarts only the child killed with SIGKILL, and says which, how and its new pid', async () => {
    const run = new Recorded();
    const a = await run.start(child('a'));
    const b = await run.start(child('b'));
    a.signal('SIGKILL');
    const died = await run.next('died', 0);
    assert.deepEqual(
      { ...died },
      {
        kind: 'died',
        child: 'a',
        pid: a.pid,
        code: null,
        signal: 'SIGKILL',
        notReady: undefined,
        restartInMs: QUICK.initialMs,
        restartsInWindow: 1,
      },
    );
    const restarted = await run.next('restarted', 0);
    assert.equal(restarted.child, 'a');
    assert.notEqual(restarted.pid, a.pid);
    const recovered = await run.next('recovered', 0);
    assert.equal(recovered.pid, restarted.pid);
    assert.ok(recovered.downMs >= 0);
    assert.equal(run.supervisor.process('a').pid, restarted.pid, 'the new process is the child now');
    assert.ok(isAlive(restarted.pid));
    assert.equal(run.supervisor.process('b'), b, 'the other child was left alone');
    assert.ok(b.running);
    await run.supervisor.stop();
    assert.deepEqual([...run.pids].filter(isAlive), []);
  });

  it('restarts a child that crashed with an exit code, and again with a longer backoff', async () => {
    const run = new Recorded();
    const a = await run.start(child('a'));
    a.signal('SIGUSR2');
    const first = await run.next('died', 0);
    assert.equal(first.code, 3);
    assert.equal(first.signal, null);
    assert.equal(first.restartInMs, QUICK.initialMs);
    const { pid } = await run.next('recovered', 0);
    run.supervisor.process('a').signal('SIGUSR2');
    const second = await run.next('died', 1);
    assert.equal(second.pid, pid);
    assert.equal(second.code, 3);
    assert.equal(second.restartInMs, 2 * QUICK.initialMs, 'the backoff doubles');
    assert.equal(second.restartsInWindow, 2);
    await run.next('recovered', 1);
    assert.ok(run.supervisor.process('a').running);
    await run.supervisor.stop();
    assert.deepEqual([...run.pids].filter(isAlive), []);
  });

  it('gives up once the restart budget is spent, stops every child and says why', async () => {
    const run = new Recorded({ limits: { maxRestarts: 3, periodMs: 60_000 } });
    const steady = await run.start(child('steady'));
    await run.start(child('looping', { CHILD_CRASH_AFTER_MS: '1' }));
    const gaveUp = await run.next('gave-up', 0);
    assert.equal(gaveUp.child, 'looping');
    assert.equal(gaveUp.code, 3);
    assert.equal(run.of('died').length, 3, 'three restarts were allowed');
    assert.deepEqual(
      run.of('died').map((event) => event.restartInMs),
      [10, 20, 40],
    );
    assert.equal(run.of('restarted').length, 3);
    await run.supervisor.stop();
    assert.equal(await steady.exited, 0, 'the steady child was stopped, as asked');
    assert.deepEqual([...run.pids].filter(isAlive), [], 'no child left');
    assert.equal(run.of('restarted').length, 3, 'and none restarted after giving up');
  });

  it('restarts nothing it was asked to stop, nor a child waiting out its backoff when the stop comes', async () => {
    const run = new Recorded({ backoff: { initialMs: 200, maxMs: 200 } });
    const stays = await run.start(child('stays', {}, 'first'));
    const waits = await run.start(child('waits', {}, 'second'));
    waits.signal('SIGKILL');
    await run.next('died', 0);
    await run.supervisor.stop();
    assert.equal(await stays.exited, 0, 'stopped with SIGTERM');
    // Past the backoff: a restart the stop failed to cancel would have happened by now.
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.deepEqual(
      run.events.map((event) => event.kind),
      ['died'],
    );
    assert.deepEqual([...run.pids].filter(isAlive), []);
  });

  it('stops the last group started first', async () => {
    const run = new Recorded();
    const order: string[] = [];
    const track = (spec: ChildSpec<ServiceProcess>): ChildSpec<ServiceProcess> => ({
      ...spec,
      spawn: () => {
        const p = spec.spawn();
        p.exited.then(() => order.push(spec.id));
        return p;
      },
    });
    await run.start(track(child('physics')));
    await run.start(track(child('logic')));
    await run.start(track(child('gateway-1', {}, 'gateway')));
    await run.start(track(child('gateway-2', {}, 'gateway')));
    await run.supervisor.stop();
    assert.deepEqual(order.slice(2), ['logic', 'physics']);
    assert.deepEqual(order.slice(0, 2).sort(), ['gateway-1', 'gateway-2']);
  });

  it('does not restart a child that cannot start, nor a temporary one that dies', async () => {
    const run = new Recorded();
    await assert.rejects(run.start(child('broken', { CHILD_NEVER_READY: '1' })), /broken exited before its ready line/);
    const temporary = await run.start({ ...child('temporary'), restart: 'temporary' });
    temporary.signal('SIGKILL');
    await temporary.exited;
    const permanent = await run.start(child('permanent'));
    permanent.signal('SIGKILL');
    await run.next('recovered', 0);
    assert.deepEqual(
      run.events.map((event) => [event.kind, event.child]),
      [
        ['died', 'permanent'],
        ['restarted', 'permanent'],
        ['recovered', 'permanent'],
      ],
    );
    await run.supervisor.stop();
    assert.deepEqual([...run.pids].filter(isAlive), []);
  });
});

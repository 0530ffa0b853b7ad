import { type ActorRef, ActorSystem, type Message } from '@packetflow/actors';
import { atLeast, atMost, type Figure } from '../report.js';

const GROUP = 'actors';
const RUNS = 5;

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function collect(): void {
  for (let i = 0; i < 4; i++) gc();
}

function elapsedMs(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

function best(values: number[], higherIsBetter: boolean): number {
  return higherIsBetter ? Math.max(...values) : Math.min(...values);
}

/** Per run: two actors bounce one message `roundTrips` times; returns round trips per second. */
async function pingPong(system: ActorSystem, roundTrips: number): Promise<number> {
  let remaining = roundTrips;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const ball: Message = { type: 'ball' };
  system.register('player', {
    initial: () => ({}),
    handlers: {
      // A serves to B; each time the ball is back at A one round trip is complete.
      serve: (_msg, ctx) => ctx.tell(ctx.system.ref('player', 'b'), ball),
      ball: (msg, ctx) => {
        if (ctx.self.id === 'a' && --remaining === 0) finish();
        else ctx.tell(ctx.sender as ActorRef, msg);
      },
    },
  });
  const a = system.ref('player', 'a');
  const start = process.hrtime.bigint();
  system.tell(a, { type: 'serve' });
  await done;
  return roundTrips / (elapsedMs(start) / 1000);
}

/** Per run: `count` tells from outside into one actor; returns messages per second until all are handled. */
async function tellThroughput(system: ActorSystem, kind: string, count: number): Promise<number> {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  system.register(kind, {
    initial: () => ({ value: 0 }),
    handlers: {
      increment: (_msg, ctx) => {
        if (++ctx.state.value === count) finish();
      },
    },
  });
  const ref = system.ref(kind, 'sink');
  const message: Message = { type: 'increment' };
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) system.tell(ref, message);
  await done;
  return count / (elapsedMs(start) / 1000);
}

/** As `tellThroughput`, but the producer yields to the event loop after every `burst` tells, as I/O would. */
async function burstyTellThroughput(system: ActorSystem, kind: string, count: number, burst: number): Promise<number> {
  let handled = 0;
  system.register(kind, {
    initial: () => ({ value: 0 }),
    handlers: {
      increment: (_msg, ctx) => {
        ctx.state.value++;
        handled++;
      },
    },
  });
  const ref = system.ref(kind, 'sink');
  const message: Message = { type: 'increment' };
  const start = process.hrtime.bigint();
  for (let sent = 0; sent < count; sent += burst) {
    for (let i = 0; i < burst; i++) system.tell(ref, message);
    await settle();
  }
  while (handled < count) await settle();
  return count / (elapsedMs(start) / 1000);
}

/** Activates `ids.length` virtual actors with one tell each, in chunks so queued mailboxes stay few. */
async function activateAll(system: ActorSystem, kind: string, ids: string[], handled: () => number): Promise<void> {
  const message: Message = { type: 'touch' };
  const chunk = 10_000;
  for (let from = 0; from < ids.length; from += chunk) {
    const to = Math.min(ids.length, from + chunk);
    for (let i = from; i < to; i++) system.tell(system.ref(kind, ids[i] as string), message);
    await settle();
  }
  while (handled() < ids.length) await settle();
}

function registerSmall(system: ActorSystem, kind: string, onTouch: () => void): void {
  system.register(kind, {
    initial: () => ({ value: 0 }),
    handlers: {
      touch: (_msg, ctx) => {
        ctx.state.value++;
        onTouch();
      },
    },
  });
}

/** Per run: µs to activate each of `count` fresh virtual actors by its first message (ids made beforehand). */
async function activationMicros(count: number): Promise<number> {
  const system = await ActorSystem.start();
  let handled = 0;
  registerSmall(system, 'fresh', () => handled++);
  const ids = Array.from({ length: count }, (_, i) => `p${i}`);
  const start = process.hrtime.bigint();
  await activateAll(system, 'fresh', ids, () => handled);
  const micros = (elapsedMs(start) * 1000) / count;
  await system.shutdown();
  return micros;
}

/** JS heap plus external memory (buffers) after collecting garbage. */
function memoryInUse(): number {
  collect();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/**
 * Memory held per idle virtual actor, ids included, after activating `count` of them and collecting garbage:
 * activated in chunks (`burst` false), or all told in one synchronous loop before anything runs, which queues a
 * mailbox per actor and the whole run queue at once and shows what such a burst leaves behind.
 */
async function bytesPerIdleActor(count: number, burst: boolean): Promise<number> {
  const system = await ActorSystem.start();
  let handled = 0;
  registerSmall(system, 'idle', () => handled++);
  await settle();
  const before = memoryInUse();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(`p${i}`);
  if (burst) {
    const message: Message = { type: 'touch' };
    for (let i = 0; i < count; i++) system.tell(system.ref('idle', ids[i] as string), message);
    while (handled < count) await settle();
  } else {
    await activateAll(system, 'idle', ids, () => handled);
  }
  ids.length = 0;
  await settle();
  const after = memoryInUse();
  if (system.activeActors !== count) throw new Error(`expected ${count} live actors, found ${system.activeActors}`);
  await system.shutdown();
  return (after - before) / count;
}

/** Per run: sequential asks from outside code to one actor; returns round trips per second. */
async function askRoundTrips(system: ActorSystem, kind: string, count: number): Promise<number> {
  system.register(kind, { initial: () => ({ value: 0 }), handlers: { get: (_msg, ctx) => ++ctx.state.value } });
  const ref = system.ref(kind, 'a');
  const message: Message = { type: 'get' };
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await system.send(ref, message);
  return count / (elapsedMs(start) / 1000);
}

/**
 * One warm-up run, then RUNS measured ones, each in a fresh system; returns the best. No forced GC before a timed
 * run: a full GC shrinks the young generation back to its minimum, which no long-running server sees.
 */
async function measure(
  higherIsBetter: boolean,
  run: (system: ActorSystem, kind: string) => Promise<number>,
): Promise<number> {
  const results: number[] = [];
  for (let r = 0; r <= RUNS; r++) {
    const system = await ActorSystem.start();
    const value = await run(system, `k${r}`);
    await system.shutdown();
    if (r > 0) results.push(value);
  }
  return best(results, higherIsBetter);
}

export async function actorSuite(report: (figure: Figure) => void): Promise<void> {
  const note = `best of ${RUNS} after a warm-up, no forced GC before timed runs`;

  const pingPongRate = await measure(true, (system) => pingPong(system, 1_000_000));
  report({
    group: GROUP,
    name: 'local ping-pong between two actors (tell)',
    value: pingPongRate,
    unit: 'round trips/s',
    target: '≥ 2 M/s',
    met: atLeast(pingPongRate, 2_000_000),
    note: `${note}; 1 M round trips per run; Erlang/OTP 25: 1.64 M/s`,
  });

  const tellRate = await measure(true, (system, kind) => tellThroughput(system, kind, 2_000_000));
  report({
    group: GROUP,
    name: 'one-way tell into one actor',
    value: tellRate,
    unit: 'msg/s',
    target: '≥ 10 M/s',
    met: atLeast(tellRate, 10_000_000),
    note: `${note}; 2 M tells queued at once, timed until the last is handled (mostly young-GC work on the backlog); Erlang/OTP 25: 5.0 M/s`,
  });

  const burstRate = await measure(true, (system, kind) => burstyTellThroughput(system, kind, 2_000_000, 10_000));
  report({
    group: GROUP,
    name: 'one-way tell into one actor, producer yielding every 10 k',
    value: burstRate,
    unit: 'msg/s',
    target: '',
    note: `${note}; the backlog stays short, so drained mailbox segments are reused and nothing is promoted`,
  });

  const askRate = await measure(true, (system, kind) => askRoundTrips(system, kind, 200_000));
  report({
    group: GROUP,
    name: 'ask round trip from outside code (sequential await)',
    value: askRate,
    unit: 'round trips/s',
    target: '',
    note: `${note}; 200 k asks per run; their deadlines share one timer`,
  });

  const activations: number[] = [];
  for (let r = 0; r <= RUNS; r++) {
    const micros = await activationMicros(200_000);
    if (r > 0) activations.push(micros);
  }
  const activation = best(activations, false);
  report({
    group: GROUP,
    name: 'virtual actor activation on first message',
    value: activation,
    unit: 'µs',
    target: '≤ 2 µs',
    met: atMost(activation, 2),
    note: `${note}; 200 k fresh ids, tell → initial() → handler`,
  });

  const memoryNote =
    '1 M actors with state { value: 0 } and ids p0…p999999 (ids counted), JS heap + external after gc ×4; Erlang/OTP 25: 2,687 B';
  for (const burst of [false, true]) {
    const sizes: number[] = [];
    for (let r = 0; r < 3; r++) sizes.push(await bytesPerIdleActor(1_000_000, burst));
    const size = best(sizes, false);
    report({
      group: GROUP,
      name: burst ? 'memory per idle virtual actor, after a burst' : 'memory per idle virtual actor',
      value: size,
      unit: 'bytes',
      target: '≤ 300 B',
      met: atMost(size, 300),
      note: burst
        ? `best of 3 (${sizes.map((s) => s.toFixed(0)).join(', ')} B); each actor told its first message in one synchronous loop before any runs, then drained; ${memoryNote}`
        : `best of 3 (${sizes.map((s) => s.toFixed(0)).join(', ')} B); activated 10 k at a time; ${memoryNote}`,
    });
  }
}

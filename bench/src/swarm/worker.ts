// A bot process of the swarm, forked by swarm.ts: grows or shrinks its share of the bots on request and reports
// their counts and latency histogram over the current measurement window.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Bot, type BotSink } from './bot.js';
import { type DriverFactory, loadDriverFactory } from './driver.js';
import { LatencyHistogram } from './histogram.js';
import {
  emptyCounters,
  type SwarmCounters,
  type WorkerReply,
  type WorkerReport,
  type WorkerRequest,
  type WorkerSetup,
} from './worker-protocol.js';

let setup: WorkerSetup | undefined;
let factory: DriverFactory | undefined;
let botsMade = 0;
const bots: Bot[] = [];
/** Cumulative since setup; a window's counts are the difference from `atReset`. */
const counters = emptyCounters();
let atReset = emptyCounters();
const latency = new LatencyHistogram();
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
let windowStart = performance.now();
let cpuAtReset = process.cpuUsage();

const sink: BotSink = {
  counters,
  latency,
  lost: (bot) => {
    const index = bots.indexOf(bot);
    if (index >= 0) bots.splice(index, 1);
  },
};

async function joinOne(): Promise<void> {
  if (!setup || !factory) throw new Error('bot process used before setup');
  const driver = factory({
    endpoint: setup.endpoint,
    botName: `w${setup.workerIndex}-bot${++botsMade}`,
    options: setup.driver.options ?? {},
  });
  const bot = new Bot(driver, 1000 / setup.inputRate, sink);
  try {
    await bot.join(setup.joinTimeoutMs);
    bots.push(bot);
    counters.joins++;
  } catch {
    counters.joinFailures++;
    await driver.close().catch(() => {});
  }
}

/** Makes one join attempt per missing bot, a bounded number at a time; failures are counted, not retried. */
async function grow(target: number): Promise<void> {
  let attempts = Math.max(0, target - bots.length);
  const lane = async () => {
    while (attempts > 0) {
      attempts--;
      await joinOne();
    }
  };
  await Promise.all(Array.from({ length: Math.min(attempts, setup?.joinConcurrency ?? 1) }, lane));
}

async function shrink(target: number): Promise<void> {
  await Promise.all(bots.splice(target).map((bot) => bot.close().catch(() => {})));
}

function windowCounters(): SwarmCounters {
  const window = emptyCounters();
  for (const key of Object.keys(window) as (keyof SwarmCounters)[]) window[key] = counters[key] - atReset[key];
  return window;
}

function report(): WorkerReport {
  const cpu = process.cpuUsage(cpuAtReset);
  return {
    bots: bots.length,
    counters: windowCounters(),
    latency: latency.toData(),
    windowMs: performance.now() - windowStart,
    cpuMs: (cpu.user + cpu.system) / 1000,
    loopDelayP99Ms: loopDelay.count > 0 ? loopDelay.percentile(99) / 1e6 : 0,
  };
}

function reset(): void {
  atReset = { ...counters };
  latency.reset();
  loopDelay.reset();
  windowStart = performance.now();
  cpuAtReset = process.cpuUsage();
}

async function handle(request: WorkerRequest): Promise<WorkerReport | undefined> {
  switch (request.type) {
    case 'setup':
      setup = request.setup;
      factory = await loadDriverFactory(setup.driver);
      return undefined;
    case 'resize':
      await (request.bots > bots.length ? grow(request.bots) : shrink(request.bots));
      return report();
    case 'reset':
      reset();
      return undefined;
    case 'report':
      return report();
    case 'close':
      await shrink(0);
      loopDelay.disable();
      return undefined;
  }
}

// One request at a time, in order: a resize must finish before the window it is measured in starts.
let queue = Promise.resolve();
process.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    let reply: WorkerReply;
    try {
      const result = await handle(request);
      reply = result ? { id: request.id, ok: true, report: result } : { id: request.id, ok: true };
    } catch (error) {
      reply = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    if (!process.connected) return;
    process.send?.(reply);
    // Leaving the channel lets the process exit once the last socket is gone.
    if (request.type === 'close') process.disconnect?.();
  });
});

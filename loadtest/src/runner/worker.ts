// A worker thread of the runner: it hosts many VUs, each a loop of iterations over its own instance of the script,
// and sends their samples to the main thread whenever it closes a window (once a second).
import { parentPort, workerData } from 'node:worker_threads';
import { sink } from '../k6-api/sample-sink.js';
import { Vu } from '../k6-api/vu.js';
import { installScriptGlobals, loadScript, type ScriptModule } from './script-globals.js';
import type { FromWorker, ToWorker, WorkerData } from './worker-messages.js';

const SHOWN_ERRORS = 10;
const { scriptUrl, env } = workerData as WorkerData;
const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);

let errorsShown = 0;
let errorsHidden = 0;
let completed = 0;
let interrupted = 0;

function reportError(vu: Vu, error: unknown): void {
  if (errorsShown >= SHOWN_ERRORS) {
    errorsHidden++;
    return;
  }
  errorsShown++;
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`ERRO VU ${vu.id}, iteration ${vu.iteration}: ${text}\n`);
}

interface Slot {
  readonly vu: Vu;
  module: ScriptModule | undefined;
  stopping: boolean;
  running: boolean;
}

const slots = new Map<number, Slot>();

async function runLoop(slot: Slot, exec: string, iterations: number | undefined): Promise<void> {
  const { vu } = slot;
  slot.module ??= await loadScript(scriptUrl, vu);
  const fn = slot.module[exec];
  if (typeof fn !== 'function') {
    post({ type: 'fatal', message: `the script exports no function ${exec}` });
    return;
  }
  for (let done = 0; !slot.stopping && (iterations === undefined || done < iterations); done++) {
    const started = performance.now();
    const outcome = await vu.run(() => (fn as () => unknown)());
    if (outcome === 'interrupted') {
      interrupted++;
      continue;
    }
    // A sleep at the end of the iteration is part of it, and an interruption cuts it short.
    if (!(await vu.awake())) {
      interrupted++;
      continue;
    }
    sink.add('iterations', 1, vu.tags, vu.tagKey);
    sink.add('iteration_duration', performance.now() - started, vu.tags, vu.tagKey);
    completed++;
  }
}

function start(message: Extract<ToWorker, { type: 'start' }>): void {
  let slot = slots.get(message.vu);
  if (slot === undefined) {
    slot = { vu: new Vu(message.vu, reportError), module: undefined, stopping: false, running: false };
    slots.set(message.vu, slot);
  }
  const current = slot;
  current.vu.assign(message.scenario);
  current.stopping = false;
  current.running = true;
  runLoop(current, message.exec, message.iterations)
    .catch((error: unknown) => {
      post({ type: 'fatal', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    })
    .finally(() => {
      current.running = false;
      post({ type: 'stopped', vu: message.vu });
    });
}

function collect(window: number): void {
  post({ type: 'samples', window, batch: sink.collect(), completed, interrupted });
  completed = 0;
  interrupted = 0;
}

installScriptGlobals(env);

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start':
      start(message);
      break;
    case 'stop': {
      const slot = slots.get(message.vu);
      if (slot !== undefined) slot.stopping = true;
      break;
    }
    case 'interrupt': {
      const slot = slots.get(message.vu);
      if (slot !== undefined) {
        slot.stopping = true;
        slot.vu.interrupt();
      }
      break;
    }
    case 'collect':
      collect(message.window);
      break;
    case 'finish':
      collect(message.window);
      if (errorsHidden > 0) process.stderr.write(`ERRO … and ${errorsHidden} more script errors\n`);
      post({ type: 'finished' });
      break;
  }
});
post({ type: 'ready' });

// `k6/timers`: timers on the VU's event loop. A pending timeout or interval keeps the iteration from ending, as
// in k6; a VU that sleeps fires them late, as k6's event loop would.
import { type Iteration, type Resource, requireVu, type Vu } from './vu.js';

class Timer implements Resource {
  handle: ReturnType<typeof setTimeout> | undefined;
  iteration!: Iteration;

  constructor(
    readonly id: number,
    readonly vu: Vu,
  ) {}

  abort(): void {
    clearTimeout(this.handle);
    clearInterval(this.handle);
    timers.delete(this.id);
  }
}

const timers = new Map<number, Timer>();
let nextId = 1;

function start(fn: (...args: unknown[]) => void, delay: number, args: unknown[], repeat: boolean, api: string): number {
  if (typeof fn !== 'function') throw new TypeError(`${api}: the callback is not a function`);
  const vu = requireVu(api);
  const timer = new Timer(nextId++, vu);
  timer.iteration = vu.hold(timer, api);
  timers.set(timer.id, timer);
  const ms = Math.max(0, Number(delay) || 0);
  const fire = () =>
    vu.enter(timer.iteration, () => {
      if (!repeat) stop(timer.id);
      fn(...args);
    });
  // A timer set during a sleep counts from the sleep's end.
  const lag = vu.now() - Date.now();
  timer.handle = setTimeout(() => {
    fire();
    if (repeat) timer.handle = setInterval(fire, ms);
  }, lag + ms);
  return timer.id;
}

function stop(id: unknown): void {
  const timer = timers.get(Number(id));
  if (timer === undefined) return;
  timer.abort();
  timer.vu.release(timer.iteration, timer);
}

function setTimeoutOnVu(fn: (...args: unknown[]) => void, delay = 0, ...args: unknown[]): number {
  return start(fn, delay, args, false, 'setTimeout');
}

function setIntervalOnVu(fn: (...args: unknown[]) => void, delay = 0, ...args: unknown[]): number {
  return start(fn, delay, args, true, 'setInterval');
}

export { setIntervalOnVu as setInterval, setTimeoutOnVu as setTimeout, stop as clearInterval, stop as clearTimeout };

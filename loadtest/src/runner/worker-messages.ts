// What the runner's main thread and its worker threads say to each other.
import type { SampleBatch } from './metric-types.js';

export interface WorkerData {
  readonly scriptUrl: string;
  readonly env: Readonly<Record<string, string>>;
}

export type ToWorker =
  /** Run `exec` in a loop as VU `vu` of `scenario`, `iterations` times or until stopped. */
  | {
      readonly type: 'start';
      readonly vu: number;
      readonly scenario: string;
      readonly exec: string;
      readonly iterations?: number;
    }
  /** Let the VU finish its iteration, then stop it. */
  | { readonly type: 'stop'; readonly vu: number }
  /** Stop the VU now, interrupting its iteration. */
  | { readonly type: 'interrupt'; readonly vu: number }
  /** Send the samples of the window that just closed. */
  | { readonly type: 'collect'; readonly window: number }
  /** Send the last window's samples, then say `finished`. */
  | { readonly type: 'finish'; readonly window: number };

export type FromWorker =
  | { readonly type: 'ready' }
  /** A VU's loop has ended; it can be started again. */
  | { readonly type: 'stopped'; readonly vu: number }
  | {
      readonly type: 'samples';
      readonly window: number;
      readonly batch: SampleBatch;
      readonly completed: number;
      readonly interrupted: number;
    }
  /** The script could not be loaded for a VU, or a scenario's function is missing. */
  | { readonly type: 'fatal'; readonly message: string }
  | { readonly type: 'finished' };

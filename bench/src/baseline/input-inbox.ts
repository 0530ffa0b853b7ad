// Where a baseline room's input messages land: checked, then queued per player for the simulation's next ticks.
import { type BaselineInput, INPUT_QUEUE_LIMIT, parseInput } from './simulation.js';

/** Counters over every room in the process, read by the bench through the server's IPC channel. */
export const roomStats = { rooms: 0, clients: 0, inputsApplied: 0, inputsRejected: 0, inputsDropped: 0 };

/** A player's queue of inputs not yet applied. */
export interface InputInbox {
  readonly queue: BaselineInput[];
  lastReceived: number;
}

/**
 * Queues a client's input message, or counts it refused (malformed, not newer than the last, or from no player).
 * A full queue drops its oldest input, so a flooding client cannot grow the room's memory.
 */
export function acceptInput(inbox: InputInbox | undefined, message: unknown): void {
  const input = inbox && parseInput(message, inbox.lastReceived);
  if (!inbox || !input) {
    roomStats.inputsRejected++;
    return;
  }
  inbox.lastReceived = input.seq;
  if (inbox.queue.length >= INPUT_QUEUE_LIMIT) {
    inbox.queue.shift();
    roomStats.inputsDropped++;
  }
  inbox.queue.push(input);
}

import type { Game } from '@packetflow/protocol';

export interface InputStats {
  applied: number;
  /** Inputs whose sequence number was at or below the last applied one. */
  late: number;
  /** Inputs with a sequence number already queued. */
  duplicate: number;
  /** Inputs refused because the queue was full (a client flooding faster than the tick). */
  overflow: number;
}

/**
 * How many inputs a player's queue holds by default. At least what a gateway room gives a resumed match again after
 * a failover (its guard's 60 inputs/s over the 5 s it keeps them, plus a burst of 30: 330), or the replay would
 * overflow the queue and lose inputs the players saw acknowledged; the gateway's guard, not this bound, keeps a
 * flooding client's rate down.
 */
export const INPUT_QUEUE_CAPACITY = 512;

/**
 * One player's inputs waiting for the next ticks, ordered by sequence number. Late and duplicate inputs are
 * dropped and counted; the queue is bounded so a flooding client cannot grow the match's memory.
 */
export class InputQueue {
  lastApplied = 0;
  private readonly queue: Game.ClientInputT[] = [];

  constructor(
    private readonly stats: InputStats,
    private readonly capacity = INPUT_QUEUE_CAPACITY,
  ) {}

  get length(): number {
    return this.queue.length;
  }

  push(input: Game.ClientInputT): void {
    if (input.sequence <= this.lastApplied) {
      this.stats.late++;
      return;
    }
    let at = this.queue.length;
    while (at > 0 && this.queue[at - 1]!.sequence > input.sequence) at--;
    if (at > 0 && this.queue[at - 1]!.sequence === input.sequence) {
      this.stats.duplicate++;
      return;
    }
    if (this.queue.length >= this.capacity) {
      this.stats.overflow++;
      return;
    }
    this.queue.splice(at, 0, input);
  }

  /** Forgets every sequence number seen: the player's inputs come from a new client, numbered from 1 again. */
  restart(): void {
    this.lastApplied = 0;
    this.queue.length = 0;
  }

  /** The next input in sequence order, marked applied; undefined when none is waiting. */
  take(): Game.ClientInputT | undefined {
    const input = this.queue.shift();
    if (input !== undefined) {
      this.lastApplied = input.sequence;
      this.stats.applied++;
    }
    return input;
  }
}

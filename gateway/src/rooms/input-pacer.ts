// Player inputs leave the gateway in bursts. Forwarded one by one as they came, 240 players at 20 inputs a second
// made the gateway write to its cluster link about 1,500 times a second and the match's host wake and read as
// often; at most one burst every few milliseconds, both do a fraction of that (bench: `cpu` suite). A match applies
// inputs at its next tick (33 ms apart at 30 Hz), so a few milliseconds of waiting moves few of them to a later tick.
import type { ActorRef, Message } from '@packetflow/actors';

/** Sends one input on (the actor system's tell). */
export type InputSend = (to: ActorRef, message: Message) => void;

/**
 * Holds inputs until `intervalMs` has passed since the last burst, then sends every held one in arrival order, in one
 * turn of the event loop, so the cluster link writes them as one frame. An input that comes after a quiet spell goes
 * at once; a burst is sent by the first input to come after its time is up, or by a timer when none comes. An
 * interval of 0 sends each input as it comes.
 */
export class InputPacer {
  /** Held inputs and where each goes, side by side (no object per input). */
  private readonly held: Message[] = [];
  private readonly heldFor: ActorRef[] = [];
  private lastBurstAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private readonly flushNow = () => this.flush();
  /** Bursts sent (`packetflow_gateway_input_bursts_total`). */
  bursts = 0;

  constructor(
    private readonly send: InputSend,
    readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(intervalMs >= 0 && Number.isFinite(intervalMs))) throw new Error(`input interval ${intervalMs} ms`);
  }

  forward(to: ActorRef, message: Message): void {
    this.held.push(message);
    this.heldFor.push(to);
    const now = this.now();
    const due = this.lastBurstAt + this.intervalMs;
    if (now >= due) this.flush(now);
    else this.timer ??= setTimeout(this.flushNow, due - now);
  }

  /** Sends every held input now (a closing gateway does, so that none is left behind). */
  flush(now = this.now()): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const { held, heldFor } = this;
    if (held.length === 0) return;
    this.lastBurstAt = now;
    this.bursts++;
    try {
      for (let i = 0; i < held.length; i++) this.send(heldFor[i]!, held[i]!);
    } finally {
      held.length = 0;
      heldFor.length = 0;
    }
  }
}

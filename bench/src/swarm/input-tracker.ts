// Input-to-ack latency for one bot: when each sequence went out, and for every ack the time since each sequence it
// newly covers was sent (an ack of S covers every input up to S, so inputs the server dropped still get a sample).

/** Inputs one bot may have unacknowledged; at 20 inputs/s that is over 12 s of backlog. */
export const MAX_IN_FLIGHT = 256;

export class InputTracker {
  private readonly sentAt = new Float64Array(MAX_IN_FLIGHT);
  private nextSeq = 1;
  private lowestUnacked = 1;

  get inFlight(): number {
    return this.nextSeq - this.lowestUnacked;
  }

  /** The sequence to send now, or 0 when `MAX_IN_FLIGHT` inputs are already waiting for an ack. */
  send(nowMs: number): number {
    if (this.inFlight >= MAX_IN_FLIGHT) return 0;
    const seq = this.nextSeq++;
    this.sentAt[seq % MAX_IN_FLIGHT] = nowMs;
    return seq;
  }

  /** Records a latency for each sent sequence that `ackedSeq` acknowledges for the first time. */
  ack(ackedSeq: number, nowMs: number, record: (latencyMs: number) => void): void {
    const upTo = Math.min(ackedSeq, this.nextSeq - 1);
    for (let seq = this.lowestUnacked; seq <= upTo; seq++) record(nowMs - this.sentAt[seq % MAX_IN_FLIGHT]!);
    if (upTo >= this.lowestUnacked) this.lowestUnacked = upTo + 1;
  }
}

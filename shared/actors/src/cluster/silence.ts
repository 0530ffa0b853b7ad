/**
 * Counts the heartbeat intervals in a row in which nothing proved a link's peer alive. Counting intervals rather than
 * measuring time since the last sign of life keeps a stall of this process (a long GC, a busy event loop) from
 * condemning its peers: when the timer fires late, the signs of life still unread cost one interval, not the stall.
 */
export class Silence {
  private heard = false;
  private intervals = 0;
  /** performance.now() of the last sign of life; a link starts out proven by its handshake. */
  lastHeardAt = performance.now();

  heardFrom(): void {
    this.heard = true;
    this.lastHeardAt = performance.now();
  }

  /** Called once per heartbeat interval; returns how many intervals in a row have passed without a sign of life. */
  elapse(): number {
    this.intervals = this.heard ? 0 : this.intervals + 1;
    this.heard = false;
    return this.intervals;
  }
}

// One bot: joins through its driver, sends inputs at a fixed rate and turns acks into latency samples.
import type { BotDriver } from './driver.js';
import type { LatencyHistogram } from './histogram.js';
import { InputTracker } from './input-tracker.js';
import type { SwarmCounters } from './worker-protocol.js';

/** Where a bot's measurements go: shared by every bot in the process. */
export interface BotSink {
  counters: SwarmCounters;
  latency: LatencyHistogram;
  /** The bot lost its connection and stopped; it no longer counts as one of the swarm. */
  lost(bot: Bot): void;
}

export class Bot {
  private readonly tracker = new InputTracker();
  private timer: NodeJS.Timeout | undefined;
  /** The direction the bot walks in, turning a little with every input so it wanders over the arena. */
  private heading = Math.random() * 2 * Math.PI;
  private stopped = false;

  constructor(
    private readonly driver: BotDriver,
    private readonly periodMs: number,
    private readonly sink: BotSink,
  ) {
    driver.onAck((acked) => {
      sink.counters.snapshots++;
      this.tracker.ack(acked, performance.now(), (ms) => {
        sink.counters.inputsAcked++;
        sink.latency.recordMs(ms);
      });
    });
    driver.onDisconnect(() => {
      sink.counters.disconnects++;
      this.halt();
      sink.lost(this);
    });
  }

  /** Joins, then starts sending at a random phase of the period, so a process's bots do not all send at once. */
  async join(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const joining = this.driver.join();
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`join took over ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([joining, timedOut]);
    } catch (error) {
      // A join that lands after its timeout must not leave a connected bot nobody drives.
      joining.then(() => this.driver.close()).catch(() => {});
      throw error;
    } finally {
      clearTimeout(timer);
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = setInterval(() => this.sendInput(), this.periodMs);
      this.sendInput();
    }, Math.random() * this.periodMs);
  }

  private sendInput(): void {
    const seq = this.tracker.send(performance.now());
    if (seq === 0) {
      this.sink.counters.inputsBlocked++;
      return;
    }
    this.heading += (Math.random() - 0.5) * 0.5;
    this.driver.sendInput(seq, { x: Math.cos(this.heading), y: Math.sin(this.heading) });
    this.sink.counters.inputsSent++;
  }

  private halt(): void {
    this.stopped = true;
    // Node's clearTimeout clears an interval as well: the timer is first the phase delay, then the interval.
    clearTimeout(this.timer);
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    this.halt();
    await this.driver.close();
  }
}

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { TickObserver } from '../tick/tick-scheduler.js';

const CLOCK = { cause: 'clock' } as const;
const BACKLOG = { cause: 'backlog' } as const;
const HANDED_OVER = { how: 'handed_over' } as const;
const FENCED = { how: 'fenced' } as const;

/**
 * The metrics of a host's matches, in the node's registry. The scheduler tells them of each timer run (lateness,
 * ticks skipped by the clock); matches observe their checkpoints and the ticks they drop behind a backlog.
 */
export class MatchMetrics implements TickObserver {
  readonly matchesActive: Gauge;
  readonly tickLateness: Histogram;
  readonly ticksSkipped: Counter<'cause'>;
  readonly checkpointDuration: Histogram;
  readonly checkpointSize: Histogram;
  readonly matchesLost: Counter<'how'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.matchesActive = new Gauge({
      name: 'packetflow_matches_active',
      help: 'Matches on this host with players in them, ticking',
      registers,
    });
    this.tickLateness = new Histogram({
      name: 'packetflow_match_tick_lateness_seconds',
      help: 'How far behind its schedule each run of the tick timer started (a run ticks one phase of the period)',
      // A 30 Hz tick is 33 ms split into phases of ~8 ms: fine buckets below a phase, coarse ones past a period.
      buckets: [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.033, 0.066, 0.133, 0.5],
      registers,
    });
    this.ticksSkipped = new Counter({
      name: 'packetflow_match_ticks_skipped_total',
      help: 'Match ticks not run: cause clock, the timer ran over a period late; backlog, the match was behind',
      labelNames: ['cause'],
      registers,
    });
    this.checkpointDuration = new Histogram({
      name: 'packetflow_match_checkpoint_duration_seconds',
      help:
        'Checkpoints written: from their encoding (after the world snapshot asked of physics, for one that holds the ' +
        'world) to the store writes acknowledged',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.checkpointSize = new Histogram({
      name: 'packetflow_match_checkpoint_size_bytes',
      help: 'Checkpoints written: their encoded size, with the world checkpoint written beside one',
      // A second of 8 players' inputs is ~4 KB; a 40-body world snapshots to ~80 KB.
      buckets: [256, 1024, 4096, 16_384, 32_768, 65_536, 131_072, 262_144, 1_048_576],
      registers,
    });
    this.matchesLost = new Counter({
      name: 'packetflow_match_ownership_lost_total',
      help: 'Matches this host stopped owning: handed_over, with a last checkpoint; fenced, stopped writing nothing',
      labelNames: ['how'],
      registers,
    });
    // Every label exported from the start, at 0, so that a dashboard's rate() has a series before the first event.
    this.ticksSkipped.inc(CLOCK, 0);
    this.ticksSkipped.inc(BACKLOG, 0);
    this.matchesLost.inc(HANDED_OVER, 0);
    this.matchesLost.inc(FENCED, 0);
  }

  ran(latenessMs: number, skippedTicks: number): void {
    this.tickLateness.observe(latenessMs / 1000);
    if (skippedTicks > 0) this.ticksSkipped.inc(CLOCK, skippedTicks);
  }

  /** A match dropped a tick because newer ones were queued behind it: it had fallen behind. */
  skippedByBacklog(): void {
    this.ticksSkipped.inc(BACKLOG);
  }

  /** A match went to its new owner in a planned hand-over. */
  handedOver(): void {
    this.matchesLost.inc(HANDED_OVER);
  }

  /** A match was stopped without a last checkpoint: another host claimed it since. */
  fenced(): void {
    this.matchesLost.inc(FENCED);
  }

  /** A checkpoint of `bytes` bytes written `durationMs` after it began. */
  checkpointed(durationMs: number, bytes: number): void {
    this.checkpointDuration.observe(durationMs / 1000);
    this.checkpointSize.observe(bytes);
  }
}

/** Creates the match metrics in `registry` (the node's); names are listed in the README. */
export function matchMetrics(registry: Registry): MatchMetrics {
  return new MatchMetrics(registry);
}

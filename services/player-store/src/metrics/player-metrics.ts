import { Counter, Histogram, type Registry } from 'prom-client';
import { REFUSAL_REASONS, type RefusalReason } from '../player-data.js';

/** The metrics of a host's players, in the node's registry. */
export class PlayerMetrics {
  readonly writeDuration: Histogram;
  readonly writes: Counter;
  readonly writeFailures: Counter;
  readonly refusals: Counter<'reason'>;
  /** The label set of each reason, made once so that counting a refusal allocates nothing. */
  private readonly reasons: Readonly<Record<RefusalReason, { readonly reason: RefusalReason }>>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.writeDuration = new Histogram({
      name: 'packetflow_player_write_duration_seconds',
      help: 'Player writes acknowledged by the store (creations and changes): from the call to the acknowledgement',
      // LMDB fsyncs each commit, Redis (appendfsync always) answers a batch after its fsync: milliseconds each.
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.writes = new Counter({
      name: 'packetflow_player_writes_total',
      help: 'Player writes acknowledged by the store (creations and changes)',
      registers,
    });
    this.writeFailures = new Counter({
      name: 'packetflow_player_write_failures_total',
      help: 'Player writes that failed (the store unreachable or closed): the ask failed, the player is read again',
      registers,
    });
    this.refusals = new Counter({
      name: 'packetflow_player_refusals_total',
      help: 'Player operations refused (answered PlayerRefused, nothing changed), by reason',
      labelNames: ['reason'],
      registers,
    });
    this.reasons = Object.fromEntries(REFUSAL_REASONS.map((reason) => [reason, { reason }])) as Record<
      RefusalReason,
      { readonly reason: RefusalReason }
    >;
    // Every reason exported from the start, at 0, so that a dashboard's rate() has a series before the first one.
    for (const reason of REFUSAL_REASONS) this.refusals.inc(this.reasons[reason], 0);
  }

  /** A write the store acknowledged `durationMs` after it was asked. */
  written(durationMs: number): void {
    this.writeDuration.observe(durationMs / 1000);
    this.writes.inc();
  }

  refused(reason: RefusalReason): void {
    this.refusals.inc(this.reasons[reason]);
  }
}

/** Creates the player metrics in `registry` (the node's); names are listed in the README. */
export function playerMetrics(registry: Registry): PlayerMetrics {
  return new PlayerMetrics(registry);
}

// A latency histogram in the manner of HdrHistogram: fixed memory however many samples, under 1 % relative error,
// and mergeable, so each bot process keeps one and the parent adds them up.

/** Sub-buckets per power of two: each bucket is at most 1/128 of its value wide. */
const SUB_BITS = 7;
const SUB_COUNT = 1 << SUB_BITS;
/** Values are kept in microseconds; anything above a minute lands in the last bucket (the exact max is kept). */
const MAX_MICROS = 60_000_000;

function bucketIndex(micros: number): number {
  const v = Math.min(MAX_MICROS, Math.max(0, Math.floor(micros)));
  const shift = Math.max(0, 31 - Math.clz32(v) - SUB_BITS);
  return (shift << SUB_BITS) + (v >>> shift);
}

const BUCKETS = bucketIndex(MAX_MICROS) + 1;

/** The lowest value (µs) of a bucket and its width. */
function bucketRange(index: number): { low: number; width: number } {
  if (index < 2 * SUB_COUNT) return { low: index, width: 1 };
  const shift = (index >>> SUB_BITS) - 1;
  return { low: (index - (shift << SUB_BITS)) << shift, width: 1 << shift };
}

/** What crosses the IPC channel: only the buckets that hold samples. */
export interface HistogramData {
  buckets: [index: number, count: number][];
  count: number;
  minMs: number;
  maxMs: number;
}

export class LatencyHistogram {
  private counts = new Float64Array(BUCKETS);
  private total = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  static from(data: HistogramData): LatencyHistogram {
    const histogram = new LatencyHistogram();
    histogram.add(data);
    return histogram;
  }

  get count(): number {
    return this.total;
  }

  get maxMs(): number {
    return this.total === 0 ? Number.NaN : this.max;
  }

  recordMs(ms: number): void {
    this.counts[bucketIndex(ms * 1000)]!++;
    this.total++;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  /**
   * The value at quantile `q` (0..1), in milliseconds: the middle of its bucket, within the recorded range; the
   * first and last ranks are the exact min and max.
   */
  percentileMs(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    if (rank === 1) return this.min;
    if (rank >= this.total) return this.max;
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const { low, width } = bucketRange(i);
        return Math.min(this.max, Math.max(this.min, (low + width / 2) / 1000));
      }
    }
    return this.max;
  }

  add(data: HistogramData): void {
    for (const [index, count] of data.buckets) this.counts[index]! += count;
    this.total += data.count;
    if (data.count > 0) {
      this.min = Math.min(this.min, data.minMs);
      this.max = Math.max(this.max, data.maxMs);
    }
  }

  toData(): HistogramData {
    const buckets: [number, number][] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]! > 0) buckets.push([i, this.counts[i]!]);
    return { buckets, count: this.total, minMs: this.min, maxMs: this.max };
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
  }
}

// Token buckets per client address: each holds up to `limit` requests and refills in full over `windowMs`.

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Beyond this many addresses seen within a window, the least recently seen is forgotten (it starts afresh when it
 * comes back), so that a flood from many addresses cannot grow the table without bound.
 */
export const MAX_TRACKED_ADDRESSES = 100_000;

export class AddressRateLimiter {
  /** In the order addresses were last seen, least recent first. */
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private sweptAt: number;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    now: number,
    private readonly maxAddresses = MAX_TRACKED_ADDRESSES,
  ) {
    this.perMs = limit / windowMs;
    this.sweptAt = now;
  }

  /** Takes a request from the address's allowance: 0 when it may go on, else how many ms until it may. */
  take(address: string, now: number): number {
    this.sweep(now);
    const bucket = this.buckets.get(address);
    const tokens = bucket === undefined ? this.limit : this.refilled(bucket, now);
    this.buckets.delete(address);
    if (tokens >= 1) {
      this.buckets.set(address, { tokens: tokens - 1, at: now });
      this.forgetOverflow();
      return 0;
    }
    this.buckets.set(address, { tokens, at: now });
    return Math.ceil((1 - tokens) / this.perMs);
  }

  /** Addresses it holds an entry for. */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(bucket: Bucket, now: number): number {
    return Math.min(this.limit, bucket.tokens + (now - bucket.at) * this.perMs);
  }

  /** Once a window, drops every address whose allowance is full again: an entry for it would say nothing. */
  private sweep(now: number): void {
    if (now - this.sweptAt < this.windowMs) return;
    this.sweptAt = now;
    for (const [address, bucket] of this.buckets) {
      if (this.refilled(bucket, now) >= this.limit) this.buckets.delete(address);
    }
  }

  private forgetOverflow(): void {
    while (this.buckets.size > this.maxAddresses) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) return;
      this.buckets.delete(oldest);
    }
  }
}

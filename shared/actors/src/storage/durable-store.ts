/**
 * A durable key-value store that actor state is written through to: the embedded default (LMDB under ./data) or
 * Redis when REDIS_URL is set. Values are bytes (FlatBuffers, usually), so a service chooses its own encoding.
 */
export interface DurableStore {
  /** What backs it, for logs and benchmarks: 'lmdb', 'redis'. */
  readonly backend: string;
  get(key: string): Promise<Uint8Array | undefined>;
  /** Resolves only once the write is durable: an acknowledged write survives a crash of this process. */
  put(key: string, value: Uint8Array): Promise<void>;
  /**
   * Writes `value` under `key` only if `guardKey` holds exactly `expected` (or nothing: a store that lost its data),
   * in one atomic step, so that a writer fenced off between a check and its write cannot land the write anyway.
   * Resolves whether it wrote; durable as `put` when it did.
   */
  putGuarded(key: string, value: Uint8Array, guardKey: string, expected: Uint8Array): Promise<boolean>;
  /** Resolves true when the key existed. */
  delete(key: string): Promise<boolean>;
  close(): Promise<void>;
}

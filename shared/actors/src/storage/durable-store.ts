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
  /** Resolves true when the key existed. */
  delete(key: string): Promise<boolean>;
  close(): Promise<void>;
}

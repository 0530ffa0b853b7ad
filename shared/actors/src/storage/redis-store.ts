import { Redis, type RedisOptions } from 'ioredis';
import type { DurableStore } from './durable-store.js';

export interface RedisStoreOptions {
  /** `redis://` or `rediss://` URL. */
  readonly url: string;
  /** Prepended to every key (e.g. `packetflow:matches:`), so several services or clusters can share one Redis. */
  readonly prefix?: string;
  /** Extra ioredis options (timeouts, TLS). */
  readonly redis?: RedisOptions;
}

/** SET KEYS[1] ARGV[1] only while KEYS[2] is ARGV[2] or absent; a script runs atomically on the server. */
const PUT_GUARDED = `local guard = redis.call('GET', KEYS[2])
if guard == false or guard == ARGV[2] then
  redis.call('SET', KEYS[1], ARGV[1])
  return 1
end
return 0`;

/**
 * Redis through ioredis: one string key per entry. `put` resolves once Redis has answered the SET, i.e. the write
 * is applied and, with `appendonly yes` and `appendfsync always` on the server, fsynced to the AOF before the reply.
 * How durable an acknowledged write is depends on that server configuration (with `everysec`, up to a second of
 * writes can be lost if Redis itself crashes; a crash of this process never loses them). Commands issued while the
 * connection is down are queued and sent on reconnect; concurrent calls are pipelined on the one connection.
 */
export class RedisStore implements DurableStore {
  readonly backend = 'redis';
  readonly client: Redis;
  private readonly prefix: string;
  private closed = false;

  constructor(options: RedisStoreOptions) {
    this.prefix = options.prefix ?? '';
    this.client = new Redis(options.url, { lazyConnect: false, ...options.redis });
    // ioredis reconnects by itself; without a listener an 'error' event would crash the process.
    this.client.on('error', () => {});
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const value = await this.client.getBuffer(this.prefix + key);
    return value === null ? undefined : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    await this.client.set(this.prefix + key, Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }

  async putGuarded(key: string, value: Uint8Array, guardKey: string, expected: Uint8Array): Promise<boolean> {
    const written = await this.client.eval(
      PUT_GUARDED,
      2,
      this.prefix + key,
      this.prefix + guardKey,
      Buffer.from(value.buffer, value.byteOffset, value.byteLength),
      Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength),
    );
    return written === 1;
  }

  async delete(key: string): Promise<boolean> {
    return (await this.client.del(this.prefix + key)) > 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

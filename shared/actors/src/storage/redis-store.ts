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

// The gateway's Redis connections (Colyseus' presence, publisher and subscriber, and its matchmaking driver), watched
// as one: whether Redis is reachable now, for refusing seat reservations at once while it is not, and one log line
// when an outage starts and one when it ends, rather than one per failed reconnection.
import type { EventEmitter } from 'node:events';
import type { Logger } from '@packetflow/actors';

/** What the gateway gives ioredis (through Colyseus' constructors) for each of its connections. */
export interface RedisConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly db: number;
  readonly tls?: Record<string, never>;
  /**
   * A command waits for the connection to come back however long it takes, rather than failing after twenty
   * reconnection attempts (ioredis' default, some ten seconds): Colyseus leaves some of its commands' promises
   * unhandled, and one rejected then ends the process. Seat reservations do not wait: they are refused while the
   * connections are known to be down.
   */
  readonly maxRetriesPerRequest: null;
}

/** The connection options of a `redis://` or `rediss://` URL (user, password and database number included). */
export function redisConnectionOptions(url: string): RedisConnectionOptions {
  const parsed = new URL(url);
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  const db = Number.parseInt(parsed.pathname.slice(1) || '0', 10);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(parsed.port || 6379),
    ...(username === '' ? {} : { username }),
    ...(password === '' ? {} : { password }),
    db: Number.isNaN(db) ? 0 : db,
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

export class RedisOutages {
  /** The connections that dropped or failed and have not been ready since. */
  private readonly down = new Set<string>();
  private downSince = 0;
  private failures = 0;
  private closing = false;

  constructor(private readonly logger: Logger) {}

  /**
   * Watches a connection. Its other error listeners go (Colyseus' presence logs every failed reconnection as plain
   * text); without any, ioredis would print `[ioredis] Unhandled error event` for each.
   */
  watch(name: string, connection: EventEmitter): void {
    connection.removeAllListeners('error');
    connection.on('error', (error: Error) => this.failed(name, error.message));
    connection.on('close', () => this.failed(name, 'connection closed'));
    connection.on('ready', () => this.ready(name));
  }

  /** Whether every connection is up, as far as the last events tell. */
  get reachable(): boolean {
    return this.down.size === 0;
  }

  /** The gateway is closing its connections: their closes are no outage. */
  close(): void {
    this.closing = true;
  }

  private failed(name: string, error: string): void {
    if (this.closing) return;
    this.failures++;
    if (this.down.has(name)) return;
    this.down.add(name);
    if (this.down.size > 1) return;
    this.downSince = performance.now();
    this.failures = 1;
    this.logger.error('redis unreachable: seat reservations refused until it is back', { connection: name, error });
  }

  private ready(name: string): void {
    if (!this.down.delete(name) || this.down.size > 0 || this.closing) return;
    this.logger.warn('redis reachable again', {
      downMs: Math.round(performance.now() - this.downSince),
      failures: this.failures,
    });
  }
}

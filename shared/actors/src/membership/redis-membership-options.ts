import type { RedisOptions } from 'ioredis';
import type { Logger } from '../behavior.js';
import { MembershipConfigError } from './errors.js';

export interface RedisMembershipOptions {
  /** redis:// or rediss:// URL; `redis` options are applied on top of it. One of the two is required. */
  readonly url?: string;
  readonly redis?: RedisOptions;
  /** Key prefix and channel name shared by one cluster's members; 'packetflow' unless set. */
  readonly cluster?: string;
  /** A member that has not refreshed its record for this long is removed; 3000 unless set. */
  readonly ttlMs?: number;
  /** How often a member refreshes its record; ttlMs / 3 unless set, and below ttlMs. */
  readonly heartbeatMs?: number;
  /** Period of the full read that backs up pub/sub; 1000 unless set. */
  readonly fullReadMs?: number;
  /** How long `start` waits to reach Redis before it rejects; 10000 unless set. */
  readonly startTimeoutMs?: number;
  readonly logger?: Logger;
}

export interface RedisMembershipSettings {
  readonly url: string | undefined;
  readonly redis: RedisOptions;
  readonly cluster: string;
  readonly ttlMs: number;
  readonly heartbeatMs: number;
  readonly fullReadMs: number;
  readonly startTimeoutMs: number;
}

export function redisMembershipSettings(options: RedisMembershipOptions): RedisMembershipSettings {
  if (options.url === undefined && options.redis === undefined) {
    throw new MembershipConfigError('url', 'give a Redis url or redis connection options');
  }
  const cluster = options.cluster ?? 'packetflow';
  if (!/^[\w.:-]+$/.test(cluster)) {
    throw new MembershipConfigError(
      'cluster',
      `${JSON.stringify(cluster)} must be letters, digits, '_', '.', ':', '-'`,
    );
  }
  const ttlMs = positiveInteger('ttlMs', options.ttlMs ?? 3000);
  const heartbeatMs = positiveInteger('heartbeatMs', options.heartbeatMs ?? Math.max(1, Math.floor(ttlMs / 3)));
  if (heartbeatMs >= ttlMs) {
    throw new MembershipConfigError(
      'heartbeatMs',
      `${heartbeatMs} must be below ttlMs (${ttlMs}), or a live member expires between two heartbeats`,
    );
  }
  return {
    url: options.url,
    redis: options.redis ?? {},
    cluster,
    ttlMs,
    heartbeatMs,
    fullReadMs: positiveInteger('fullReadMs', options.fullReadMs ?? 1000),
    startTimeoutMs: positiveInteger('startTimeoutMs', options.startTimeoutMs ?? 10_000),
  };
}

function positiveInteger(option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new MembershipConfigError(option, `${value} must be a positive whole number of milliseconds`);
  }
  return value;
}

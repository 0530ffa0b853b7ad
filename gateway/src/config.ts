// Gateway configuration from environment variables, checked at start with one clear error per bad value.
import { isIP } from 'node:net';
import { z } from 'zod';

export interface GatewayConfig {
  /** Interface to listen on: loopback unless configured (0.0.0.0 to take players from the network). */
  readonly host: string;
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** HMAC-SHA256 secret for player tokens. */
  readonly tokenSecret: string;
  /** How long a guest token stays valid, in milliseconds. */
  readonly guestTokenTtlMs: number;
  /** Largest client byte message the room accepts. */
  readonly maxInputBytes: number;
  /** Largest WebSocket frame the transport accepts; uWS closes the connection on anything bigger. */
  readonly maxPayloadBytes: number;
  /** Inputs per second one client may send on average; more are dropped with a RateLimited error. */
  readonly maxInputsPerSecond: number;
  /** Inputs one client may send in a burst above the average rate. */
  readonly inputBurst: number;
  /** Errors a client may earn in a burst (one more is forgiven every second) before it is cut off. */
  readonly maxStrikes: number;
  /** Players per match: joinOrCreate fills a match up to this before it opens another. */
  readonly matchSize: number;
  /** How long a dropped player keeps their place in the match, waiting to reconnect. */
  readonly reconnectWindowMs: number;
  /** Deadline of each call to the services (player-store, the match) while joining and leaving. */
  readonly serviceTimeoutMs: number;
  /** With several gateways: Redis for Colyseus' presence and matchmaking driver. */
  readonly redisUrl: string | undefined;
  /**
   * `host:port` clients reach this gateway at, sent in seat reservations so that a client matched by another
   * gateway connects here; needed with several gateways.
   */
  readonly publicAddress: string | undefined;
  /** Largest HTTP request body on any route; a bigger one is answered 413 without being read. */
  readonly maxHttpBodyBytes: number;
  /** The time in which an address's allowance of HTTP requests refills in full. */
  readonly httpRateWindowMs: number;
  /** `POST /auth/guest` requests one address may make per window (and in a burst). */
  readonly guestRateLimit: number;
  /** `POST /matchmake/*` requests one address may make per window (and in a burst). */
  readonly matchmakeRateLimit: number;
  /** Addresses and subnets (`10.0.0.0/8`, `::1`) the HTTP rate limits do not apply to: load generators. */
  readonly rateLimitExempt: readonly string[];
  /** How long a client cut off for misbehaving is kept out of that match; 0: not at all. */
  readonly cutOffBanMs: number;
  /** Player inputs are sent on to their matches in bursts at most this often (InputPacer); 0: each as it comes. */
  readonly inputFlushMs: number;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 2567,
  guestTokenTtlMs: 24 * 60 * 60 * 1000,
  maxInputBytes: 512,
  maxPayloadBytes: 4096,
  maxInputsPerSecond: 60,
  inputBurst: 30,
  maxStrikes: 10,
  matchSize: 8,
  reconnectWindowMs: 20_000,
  serviceTimeoutMs: 5000,
  maxHttpBodyBytes: 8192,
  httpRateWindowMs: 60_000,
  guestRateLimit: 30,
  matchmakeRateLimit: 120,
  cutOffBanMs: 60_000,
  inputFlushMs: 4,
} as const;

export class GatewayConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`bad gateway configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'GatewayConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const errors: string[] = [];
  /** A set variable checked by its schema (an error naming it and its value when it fails), else the default. */
  const read = <T>(name: string, schema: z.ZodType<T, string>, fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    errors.push(`${name}=${raw}: ${parsed.error.issues.map((issue) => issue.message).join(', ')}`);
    return fallback;
  };
  const int = (name: string, fallback: number, min: number, max: number): number =>
    read(name, integerSchema(min, max), fallback);
  const port = int('PACKETFLOW_GATEWAY_PORT', DEFAULTS.port, 0, 65535);
  const guestTokenTtlMs = int('PACKETFLOW_GUEST_TOKEN_TTL_MS', DEFAULTS.guestTokenTtlMs, 1000, 30 * 24 * 3600 * 1000);
  const maxInputBytes = int('PACKETFLOW_MAX_INPUT_BYTES', DEFAULTS.maxInputBytes, 16, 65536);
  const maxPayloadBytes = int('PACKETFLOW_MAX_PAYLOAD_BYTES', DEFAULTS.maxPayloadBytes, 64, 1 << 20);
  const maxInputsPerSecond = int('PACKETFLOW_MAX_INPUTS_PER_SECOND', DEFAULTS.maxInputsPerSecond, 1, 10_000);
  const inputBurst = int('PACKETFLOW_INPUT_BURST', DEFAULTS.inputBurst, 1, 10_000);
  const maxStrikes = int('PACKETFLOW_MAX_STRIKES', DEFAULTS.maxStrikes, 1, 1000);
  const matchSize = int('PACKETFLOW_MATCH_SIZE', DEFAULTS.matchSize, 1, 256);
  const reconnectWindowMs = int('PACKETFLOW_RECONNECT_WINDOW_MS', DEFAULTS.reconnectWindowMs, 0, 3600_000);
  const serviceTimeoutMs = int('PACKETFLOW_SERVICE_TIMEOUT_MS', DEFAULTS.serviceTimeoutMs, 10, 120_000);
  const maxHttpBodyBytes = int('PACKETFLOW_MAX_HTTP_BODY_BYTES', DEFAULTS.maxHttpBodyBytes, 256, 1 << 20);
  const httpRateWindowMs = int('PACKETFLOW_HTTP_RATE_WINDOW_MS', DEFAULTS.httpRateWindowMs, 100, 3600_000);
  const guestRateLimit = int('PACKETFLOW_GUEST_RATE_LIMIT', DEFAULTS.guestRateLimit, 1, 1_000_000);
  const matchmakeRateLimit = int('PACKETFLOW_MATCHMAKE_RATE_LIMIT', DEFAULTS.matchmakeRateLimit, 1, 1_000_000);
  const cutOffBanMs = int('PACKETFLOW_CUT_OFF_BAN_MS', DEFAULTS.cutOffBanMs, 0, 24 * 3600_000);
  const inputFlushMs = int('PACKETFLOW_INPUT_FLUSH_MS', DEFAULTS.inputFlushMs, 0, 100);
  const exempt = subnetListSchema.safeParse(env.PACKETFLOW_RATE_LIMIT_EXEMPT ?? '');
  if (!exempt.success) {
    const bad = exempt.error.issues.map((issue) => issue.message).join(', ');
    errors.push(`PACKETFLOW_RATE_LIMIT_EXEMPT=${env.PACKETFLOW_RATE_LIMIT_EXEMPT}: ${bad}`);
  }
  const host = read('PACKETFLOW_GATEWAY_HOST', hostSchema, DEFAULTS.host);
  const tokenSecret = env.PACKETFLOW_TOKEN_SECRET ?? '';
  if (!tokenSecretSchema.safeParse(tokenSecret).success) {
    errors.push('PACKETFLOW_TOKEN_SECRET: required, at least 16 characters');
  }
  if (maxInputBytes > maxPayloadBytes) {
    errors.push(
      `PACKETFLOW_MAX_INPUT_BYTES=${maxInputBytes}: larger than PACKETFLOW_MAX_PAYLOAD_BYTES=${maxPayloadBytes}`,
    );
  }
  const redisUrl = read<string | undefined>('REDIS_URL', redisUrlSchema, undefined);
  let publicAddress = read<string | undefined>('PACKETFLOW_GATEWAY_PUBLIC_ADDRESS', publicAddressSchema, undefined);
  if (redisUrl !== undefined && publicAddress === undefined) {
    // Another gateway may match a client into a room of this one; the client must then be told where it is.
    if (port === 0 || host === '0.0.0.0' || host === '::') {
      errors.push(
        'PACKETFLOW_GATEWAY_PUBLIC_ADDRESS: required with REDIS_URL when the gateway listens on a wildcard ' +
          'address or on port 0: the host:port clients reach this gateway at',
      );
    } else {
      publicAddress = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    }
  }
  if (errors.length > 0) throw new GatewayConfigError(errors);
  return {
    host,
    port,
    tokenSecret,
    guestTokenTtlMs,
    maxInputBytes,
    maxPayloadBytes,
    maxInputsPerSecond,
    inputBurst,
    maxStrikes,
    matchSize,
    reconnectWindowMs,
    serviceTimeoutMs,
    redisUrl,
    publicAddress,
    maxHttpBodyBytes,
    httpRateWindowMs,
    guestRateLimit,
    matchmakeRateLimit,
    rateLimitExempt: exempt.success ? exempt.data : [],
    cutOffBanMs,
    inputFlushMs,
  };
}

/** An interface address or name to listen on. */
const hostSchema = z.string().regex(/^[\w.:-]+$/, { error: 'expected an interface address or name' });

/** The HMAC secret of player tokens: long enough that guessing it is out of reach. */
const tokenSecretSchema = z.string().min(16);

const redisUrlSchema = z.string().regex(/^rediss?:\/\/\S+$/, { error: 'expected a redis:// or rediss:// URL' });

/** Where clients reach this gateway: `host:port`, with an optional path behind a proxy. */
const publicAddressSchema = z
  .string()
  .regex(/^[\w.-]+(:\d{1,5})?(\/[\w./-]*)?$/, { error: 'expected host:port (and an optional path)' });

function integerSchema(min: number, max: number) {
  return z
    .string()
    .refine((value) => /^-?\d+$/.test(value) && Number(value) >= min && Number(value) <= max, {
      error: `expected an integer from ${min} to ${max}`,
    })
    .transform(Number);
}

/** An IPv4 or IPv6 address, or a subnet of either (`address/prefix`). */
const subnetSchema = z.string().refine(
  (entry) => {
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return false;
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  },
  { error: (issue) => `${JSON.stringify(issue.input)} is not an IP address or address/prefix` },
);

/** A comma-separated list of addresses and subnets; empty for none. */
const subnetListSchema = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  )
  .pipe(z.array(subnetSchema));

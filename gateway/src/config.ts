// Gateway configuration from environment variables, checked at start with one clear error per bad value.

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
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 2567,
  guestTokenTtlMs: 24 * 60 * 60 * 1000,
  maxInputBytes: 512,
  maxPayloadBytes: 4096,
} as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const errors: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      errors.push(`${name}=${raw}: expected an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const port = int('PACKETFLOW_GATEWAY_PORT', DEFAULTS.port, 0, 65535);
  const guestTokenTtlMs = int('PACKETFLOW_GUEST_TOKEN_TTL_MS', DEFAULTS.guestTokenTtlMs, 1000, 30 * 24 * 3600 * 1000);
  const maxInputBytes = int('PACKETFLOW_MAX_INPUT_BYTES', DEFAULTS.maxInputBytes, 16, 65536);
  const maxPayloadBytes = int('PACKETFLOW_MAX_PAYLOAD_BYTES', DEFAULTS.maxPayloadBytes, 64, 1 << 20);
  const host = env.PACKETFLOW_GATEWAY_HOST || DEFAULTS.host;
  if (!/^[\w.:-]+$/.test(host)) errors.push(`PACKETFLOW_GATEWAY_HOST=${host}: expected an interface address or name`);
  const tokenSecret = env.PACKETFLOW_TOKEN_SECRET ?? '';
  if (tokenSecret.length < 16) errors.push('PACKETFLOW_TOKEN_SECRET: required, at least 16 characters');
  if (errors.length > 0) throw new Error(`bad gateway configuration:\n  ${errors.join('\n  ')}`);
  return { host, port, tokenSecret, guestTokenTtlMs, maxInputBytes, maxPayloadBytes };
}

import { ALWAYS, type EnvVariable, isVariableSet } from '@packetflow/actors';
import { DEFAULTS } from './config.js';

const GATEWAY = 'the gateway';

/** A port of 0 or a wildcard host: an address no client can be sent to. */
function listensOnNoDialableAddress(env: Readonly<Record<string, string | undefined>>): boolean {
  const host = env.PACKETFLOW_GATEWAY_HOST;
  return (
    host === '0.0.0.0' ||
    host === '::' ||
    (isVariableSet(env, 'PACKETFLOW_GATEWAY_PORT') && Number(env.PACKETFLOW_GATEWAY_PORT) === 0)
  );
}

/**
 * The variables the gateway reads (loadConfig in config.ts) besides every node's (@packetflow/actors). infra's tests
 * keep this list equal to the names in this package's code.
 */
export const GATEWAY_VARIABLES: readonly EnvVariable[] = [
  {
    name: 'PACKETFLOW_TOKEN_SECRET',
    readBy: GATEWAY,
    required: ALWAYS,
    description: 'HMAC-SHA256 secret of player tokens, 16 characters or more; the same on every gateway',
  },
  {
    name: 'PACKETFLOW_GATEWAY_HOST',
    readBy: GATEWAY,
    default: DEFAULTS.host,
    description: 'interface clients connect to (0.0.0.0 to take players from the network)',
  },
  {
    name: 'PACKETFLOW_GATEWAY_PORT',
    readBy: GATEWAY,
    default: String(DEFAULTS.port),
    description: 'port of the WebSocket and HTTP server clients connect to; 0 is any free port',
  },
  {
    name: 'PACKETFLOW_GATEWAY_PUBLIC_ADDRESS',
    readBy: GATEWAY,
    required: {
      when: 'with REDIS_URL when PACKETFLOW_GATEWAY_HOST is 0.0.0.0 or :: or PACKETFLOW_GATEWAY_PORT is 0',
      applies: (env) => isVariableSet(env, 'REDIS_URL') && listensOnNoDialableAddress(env),
    },
    description:
      'host:port (and an optional path) clients reach this gateway at, sent in seat reservations so that a client ' +
      'matched by another gateway comes here (its own host:port unless set)',
  },
  {
    name: 'REDIS_URL',
    readBy: GATEWAY,
    description:
      "redis:// or rediss:// URL: Colyseus' presence and matchmaking driver in Redis, shared by every gateway",
  },
  {
    name: 'PACKETFLOW_GUEST_TOKEN_TTL_MS',
    readBy: GATEWAY,
    default: String(DEFAULTS.guestTokenTtlMs),
    description: 'lifetime of guest tokens (POST /auth/guest), in milliseconds',
  },
  {
    name: 'PACKETFLOW_MAX_INPUT_BYTES',
    readBy: GATEWAY,
    default: String(DEFAULTS.maxInputBytes),
    description: 'largest input message a client may send; no more than PACKETFLOW_MAX_PAYLOAD_BYTES',
  },
  {
    name: 'PACKETFLOW_MAX_PAYLOAD_BYTES',
    readBy: GATEWAY,
    default: String(DEFAULTS.maxPayloadBytes),
    description: 'largest WebSocket frame; a client that sends a bigger one is cut off (1009)',
  },
  {
    name: 'PACKETFLOW_MAX_INPUTS_PER_SECOND',
    readBy: GATEWAY,
    default: String(DEFAULTS.maxInputsPerSecond),
    description: 'inputs per second one client may send on average; more are refused',
  },
  {
    name: 'PACKETFLOW_INPUT_BURST',
    readBy: GATEWAY,
    default: String(DEFAULTS.inputBurst),
    description: 'inputs one client may send in a burst above the average rate',
  },
  {
    name: 'PACKETFLOW_MAX_STRIKES',
    readBy: GATEWAY,
    default: String(DEFAULTS.maxStrikes),
    description: 'errors a client may earn in a burst (one forgiven per second) before it is cut off (4400)',
  },
  {
    name: 'PACKETFLOW_MATCH_SIZE',
    readBy: GATEWAY,
    default: String(DEFAULTS.matchSize),
    description: 'players per match: joinOrCreate fills a match up to this before it opens another',
  },
  {
    name: 'PACKETFLOW_RECONNECT_WINDOW_MS',
    readBy: GATEWAY,
    default: String(DEFAULTS.reconnectWindowMs),
    description: 'how long a dropped player keeps their seat, waiting to reconnect, in milliseconds',
  },
  {
    name: 'PACKETFLOW_SERVICE_TIMEOUT_MS',
    readBy: GATEWAY,
    default: String(DEFAULTS.serviceTimeoutMs),
    description: 'deadline of each call to the match and the player store while joining and leaving, in milliseconds',
  },
  {
    name: 'PACKETFLOW_MAX_HTTP_BODY_BYTES',
    readBy: GATEWAY,
    default: String(DEFAULTS.maxHttpBodyBytes),
    description: 'largest HTTP request body on any route; a bigger one is answered 413 unread',
  },
  {
    name: 'PACKETFLOW_HTTP_RATE_WINDOW_MS',
    readBy: GATEWAY,
    default: String(DEFAULTS.httpRateWindowMs),
    description: "the time in which an address's allowance of HTTP requests refills in full, in milliseconds",
  },
  {
    name: 'PACKETFLOW_GUEST_RATE_LIMIT',
    readBy: GATEWAY,
    default: String(DEFAULTS.guestRateLimit),
    description: 'POST /auth/guest requests one address may make per window (and in a burst)',
  },
  {
    name: 'PACKETFLOW_MATCHMAKE_RATE_LIMIT',
    readBy: GATEWAY,
    default: String(DEFAULTS.matchmakeRateLimit),
    description: 'POST /matchmake/* requests one address may make per window (and in a burst)',
  },
  {
    name: 'PACKETFLOW_RATE_LIMIT_EXEMPT',
    readBy: GATEWAY,
    description: 'addresses and subnets the HTTP rate limits do not apply to, comma-separated (127.0.0.1,10.0.0.0/8)',
  },
  {
    name: 'PACKETFLOW_CUT_OFF_BAN_MS',
    readBy: GATEWAY,
    default: String(DEFAULTS.cutOffBanMs),
    description: 'how long a player cut off for misbehaving is kept out of that match, in milliseconds; 0: not at all',
  },
  {
    name: 'PACKETFLOW_INPUT_FLUSH_MS',
    readBy: GATEWAY,
    default: String(DEFAULTS.inputFlushMs),
    description:
      'player inputs go on to their matches in bursts at most this many milliseconds apart (fewer cluster writes ' +
      'and wake-ups); 0 sends each input as it comes',
  },
];

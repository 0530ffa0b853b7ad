// `GET /leaderboard?mode=<mode>`: a mode's top 10 as JSON, asked of `leaderboard/<mode>` (hosted by the Python
// leaderboard service). 503 with the reason when no member hosts leaderboards or the one that does is not answering.
import type { BlockList } from 'node:net';
import {
  type ActorSystem,
  AskTimeoutError,
  type Logger,
  PeerDownError,
  PeerOverloadedError,
  SystemStoppedError,
  UnknownKindError,
} from '@packetflow/actors';
import { type GetTopScoresMessage, LEADERBOARD_KIND, type TopScoresMessage } from '@packetflow/protocol';
import type { GatewayConfig } from '../config.js';
import { addressKey, addressList, listed } from './addresses.js';
import { AddressRateLimiter } from './rate-limit.js';

/** What `leaderboard/<mode>` takes as a mode: its actor id. */
const MODE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Requests one address may make per window. Each costs an ask of the leaderboard host and may wake an actor there
 * (one per mode asked for); the demo's panel asks every few seconds, far below this.
 */
export const LEADERBOARD_RATE_LIMIT = 120;

/** How soon a client told 503 may ask again: the leaderboard host is restarted within seconds when it dies. */
const UNAVAILABLE_RETRY_AFTER_S = 5;

export interface LeaderboardEntry {
  readonly playerId: string;
  /** The display name the player last played under; null when they never gave one. */
  readonly name: string | null;
  readonly score: number;
}

export interface LeaderboardAnswer {
  readonly mode: string;
  /** Best first, ties by player id; at most 10. */
  readonly entries: readonly LeaderboardEntry[];
}

/** The subset of express' request and response the route uses (uwebsockets-express provides both). */
interface Request {
  readonly query: Record<string, unknown>;
  /** The client's address, as uWS gives it. */
  readonly ip: string | undefined;
}
interface Response {
  status(code: number): Response;
  set(field: string, value: string): Response;
  json(body: unknown): unknown;
}

export interface LeaderboardRouteOptions {
  readonly system: ActorSystem;
  /** How long the leaderboard host may take to answer: the gateway's service timeout. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** The window the HTTP rate limits refill over, and the addresses they do not apply to. */
  readonly httpRateWindowMs: number;
  readonly rateLimitExempt: readonly string[];
}

/** Why a request's query names no mode the leaderboard takes; undefined when it does. */
export function modeProblem(mode: unknown): string | undefined {
  if (mode === undefined) return 'mode is required: GET /leaderboard?mode=<mode>';
  if (typeof mode !== 'string') return 'mode must be given once, as a plain value';
  if (!MODE.test(mode)) return 'mode must be 1-64 letters, digits, _ or -';
  return undefined;
}

/** Whether the failure means that no member can answer for leaderboards now, rather than a bad answer. */
function unavailable(error: unknown): error is Error {
  return (
    error instanceof UnknownKindError ||
    error instanceof PeerDownError ||
    error instanceof AskTimeoutError ||
    error instanceof PeerOverloadedError ||
    error instanceof SystemStoppedError
  );
}

export class LeaderboardRoute {
  private readonly limiter: AddressRateLimiter;
  private readonly exempt: BlockList;
  /** The ask in flight per mode: requests for a mode that arrive while one is asked share its answer. */
  private readonly inFlight = new Map<string, Promise<LeaderboardAnswer>>();

  constructor(private readonly options: LeaderboardRouteOptions) {
    this.limiter = new AddressRateLimiter(LEADERBOARD_RATE_LIMIT, options.httpRateWindowMs, performance.now());
    this.exempt = addressList(options.rateLimitExempt);
  }

  /** The express handler of `GET /leaderboard`. */
  readonly handle = async (req: Request, res: Response): Promise<void> => {
    const remote = req.ip ?? '';
    const waitMs = listed(this.exempt, remote) ? 0 : this.limiter.take(addressKey(remote), performance.now());
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      res.status(429).set('Retry-After', String(seconds));
      res.json({ code: 429, error: `too many requests from ${remote}: retry in ${seconds} s` });
      return;
    }
    const mode = req.query.mode;
    const problem = modeProblem(mode);
    if (problem !== undefined || typeof mode !== 'string') {
      res.status(400).json({ code: 400, error: problem });
      return;
    }
    try {
      res.json(await this.top(mode));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (unavailable(error)) {
        res.status(503).set('Retry-After', String(UNAVAILABLE_RETRY_AFTER_S));
        res.json({ code: 503, error: `leaderboard unavailable: ${message}` });
        return;
      }
      this.options.logger.warn('leaderboard ask failed', { mode, error: message });
      res.status(502).json({ code: 502, error: `leaderboard failed: ${message}` });
    }
  };

  private top(mode: string): Promise<LeaderboardAnswer> {
    const pending = this.inFlight.get(mode);
    if (pending !== undefined) return pending;
    const asked = this.ask(mode).finally(() => this.inFlight.delete(mode));
    this.inFlight.set(mode, asked);
    return asked;
  }

  private async ask(mode: string): Promise<LeaderboardAnswer> {
    const { system, timeoutMs } = this.options;
    const message: GetTopScoresMessage = { type: 'GetTopScores', body: undefined };
    const reply = await system.send<TopScoresMessage | undefined>(system.ref(LEADERBOARD_KIND, mode), message, {
      timeoutMs,
    });
    if (reply?.type !== 'TopScores') throw new Error(`leaderboard/${mode} answered ${reply?.type ?? 'Ack'}`);
    if (reply.body.mode !== mode) throw new Error(`leaderboard/${mode} answered for mode ${reply.body.mode}`);
    return {
      mode,
      entries: reply.body.entries.map((entry) => ({
        playerId: text(entry.playerId) ?? '',
        name: text(entry.name) || null,
        score: entry.score,
      })),
    };
  }
}

/** A decoded string field: the object API types it as bytes too, for encoding, but decodes it as a string. */
function text(value: string | Uint8Array | null): string | null {
  return value === null || typeof value === 'string' ? value : new TextDecoder().decode(value);
}

/** The handler gateway.ts registers for `GET /leaderboard`, on the gateway's service timeout and HTTP rate window. */
export function leaderboardRoute(
  config: GatewayConfig,
  system: ActorSystem,
  logger: Logger,
): LeaderboardRoute['handle'] {
  const { serviceTimeoutMs: timeoutMs, httpRateWindowMs, rateLimitExempt } = config;
  return new LeaderboardRoute({ system, timeoutMs, logger, httpRateWindowMs, rateLimitExempt }).handle;
}

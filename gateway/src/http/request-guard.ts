// What every HTTP request passes before Colyseus' router or the express app sees it: per-address rate limits on the
// routes that cost the gateway something (guest tokens, seat reservations) and a limit on the body's size.

import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import type { BlockList } from 'node:net';
import { matchMaker } from '@colyseus/core';
import type { GatewayMetrics, HttpRoute } from '../metrics/gateway-metrics.js';
import { addressKey, addressList, listed } from './addresses.js';
import { AddressRateLimiter } from './rate-limit.js';

export interface RequestLimits {
  readonly maxHttpBodyBytes: number;
  readonly httpRateWindowMs: number;
  readonly guestRateLimit: number;
  readonly matchmakeRateLimit: number;
  readonly rateLimitExempt: readonly string[];
}

export type RequestHandler = (res: HttpResponse, req: HttpRequest) => unknown;

/**
 * The route a path reaches, as the routers match it: express ignores case and a trailing slash, and neither may be
 * a way around a limit.
 */
function routeOf(url: string): string {
  return url
    .toLowerCase()
    .replace(/\/{2,}/g, '/')
    .replace(/\/+$/, '');
}

export class RequestGuard {
  private readonly guest: AddressRateLimiter;
  private readonly matchmake: AddressRateLimiter;
  private readonly exempt: BlockList;

  constructor(
    private readonly limits: RequestLimits,
    private readonly metrics?: GatewayMetrics,
    /** Whether the Redis that matchmaking shares is unreachable now: seat reservations are refused at once then. */
    private readonly matchmakingDown: () => boolean = () => false,
  ) {
    const now = performance.now();
    this.guest = new AddressRateLimiter(limits.guestRateLimit, limits.httpRateWindowMs, now);
    this.matchmake = new AddressRateLimiter(limits.matchmakeRateLimit, limits.httpRateWindowMs, now);
    this.exempt = addressList(limits.rateLimitExempt);
  }

  /** Answers the request itself when it breaks a limit, without reading its body; hands it on otherwise. */
  pass(res: HttpResponse, req: HttpRequest, next: RequestHandler): unknown {
    const route = routeOf(req.getUrl());
    const kind: HttpRoute =
      route === '/auth/guest' ? 'auth_guest' : route.startsWith('/matchmake/') ? 'matchmake' : 'other';
    if (this.metrics !== undefined) countAnswer(res, kind, this.metrics);
    const limiter = kind === 'auth_guest' ? this.guest : kind === 'matchmake' ? this.matchmake : undefined;
    if (limiter !== undefined) {
      const remote = Buffer.from(res.getRemoteAddressAsText()).toString();
      const waitMs = listed(this.exempt, remote) ? 0 : limiter.take(addressKey(remote), performance.now());
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        return refuse(res, req, 429, `too many requests from ${remote}: retry in ${seconds} s`, {
          'Retry-After': String(seconds),
        });
      }
    }
    // Colyseus would wait on Redis for each of the reservation's commands in turn, seconds in all, and fail anyway.
    if (kind === 'matchmake' && this.matchmakingDown()) {
      return refuse(res, req, MATCHMAKING_UNAVAILABLE, 'matchmaking unavailable: Redis is unreachable; try again', {
        'Retry-After': String(MATCHMAKING_RETRY_AFTER_S),
      });
    }
    // uWS reads a chunked body as it comes, with no length to check first; every client sends a Content-Length.
    if (req.getHeader('transfer-encoding') !== '') {
      return refuse(res, req, 411, 'a request body needs a Content-Length header (chunked bodies are not accepted)');
    }
    // uWS closes a connection whose Content-Length is not a byte count before any handler sees it.
    const length = req.getHeader('content-length');
    if (Number(length) > this.limits.maxHttpBodyBytes) {
      return refuse(res, req, 413, `request body of ${length} bytes: the limit is ${this.limits.maxHttpBodyBytes}`);
    }
    return next(res, req);
  }
}

/**
 * Counts the status the response is answered with, whoever answers it (the guard, Colyseus' router, the express app:
 * each writes it with `writeStatus`, once). A request aborted before its answer is not counted.
 */
function countAnswer(res: HttpResponse, route: HttpRoute, metrics: GatewayMetrics): void {
  const writeStatus = res.writeStatus;
  let counted = false;
  res.writeStatus = (status) => {
    if (!counted) {
      counted = true;
      metrics.answered(route, typeof status === 'string' ? Number.parseInt(status, 10) : 0);
    }
    return writeStatus.call(res, status);
  };
}

/** The gateway's code (HTTP status and Colyseus error code) for a seat reservation refused while Redis is down. */
export const MATCHMAKING_UNAVAILABLE = 527;
const MATCHMAKING_RETRY_AFTER_S = 2;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  411: 'Length Required',
  413: 'Content Too Large',
  429: 'Too Many Requests',
  [MATCHMAKING_UNAVAILABLE]: 'Matchmaking Unavailable',
};

/**
 * Answers with a Colyseus-shaped error body (`code`, `error`), which its SDK shows as the error's code and message,
 * and the CORS headers Colyseus answers with, so a browser may read the refusal. The connection is closed, since
 * the body was not read.
 */
function refuse(
  res: HttpResponse,
  req: HttpRequest,
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const origin = req.getHeader('origin');
  const cors = {
    ...matchMaker.controller.DEFAULT_CORS_HEADERS,
    ...matchMaker.controller.getCorsHeaders(new Headers(origin === '' ? {} : { origin })),
    'Access-Control-Expose-Headers': 'Retry-After',
  };
  res.cork(() => {
    res.writeStatus(`${status} ${STATUS_TEXT[status]}`);
    for (const [name, value] of Object.entries({ ...cors, ...headers })) res.writeHeader(name, String(value));
    res.writeHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ code: status, error: message }), true);
  });
}

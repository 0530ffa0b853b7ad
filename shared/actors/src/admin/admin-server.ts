import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** Whether a node can do its work now; a service adds its own (its store reachable) through startNode. */
export type ReadinessCheck = () => Readiness | Promise<Readiness>;

export interface AdminServerOptions {
  readonly host: string;
  /** 0 is any free port. */
  readonly port: number;
  readonly metrics: Registry;
  readonly readiness: ReadinessCheck;
  /** How long /readyz waits for the check before answering 503; 2000 ms unless set. */
  readonly readinessTimeoutMs?: number;
}

const ALLOWED = 'GET, HEAD';

/**
 * A node's admin HTTP endpoint for orchestrators and Prometheus: `/healthz` (the process answers at all, so its
 * event loop turns), `/readyz` (200 or 503 with the reason) and `/metrics` (Prometheus text). Nothing else.
 */
export class AdminServer {
  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
  ) {}

  static async start(options: AdminServerOptions): Promise<AdminServer> {
    const server = createServer((request, response) => {
      route(request, response, options).catch((error: unknown) => {
        if (!response.headersSent) json(response, 500, { error: String(error) });
        else response.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = server.address();
    const port = typeof bound === 'object' && bound !== null ? bound.port : options.port;
    return new AdminServer(server, options.host, port);
  }

  /** host:port, IPv6 hosts in brackets. */
  get address(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** Stops listening and drops open connections (a scraper's keep-alive would hold the close otherwise). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}

async function route(request: IncomingMessage, response: ServerResponse, options: AdminServerOptions): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://admin').pathname;
  if (path !== '/healthz' && path !== '/readyz' && path !== '/metrics') {
    json(response, 404, { error: `no such path: ${path}` });
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', ALLOWED);
    json(response, 405, { error: `${request.method} not allowed: ${ALLOWED}` });
    return;
  }
  if (path === '/healthz') {
    json(response, 200, { status: 'ok' });
  } else if (path === '/readyz') {
    const readiness = await checkReadiness(options.readiness, options.readinessTimeoutMs ?? 2000);
    if (readiness.ready) json(response, 200, { ready: true });
    else json(response, 503, readiness);
  } else {
    const text = await options.metrics.metrics();
    response.writeHead(200, { 'Content-Type': options.metrics.contentType, 'Cache-Control': 'no-store' });
    response.end(text);
  }
}

/** A check that throws or hangs says the node is not ready, rather than leaving the prober without an answer. */
async function checkReadiness(check: ReadinessCheck, timeoutMs: number): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `readiness check took over ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timedOut]);
  } catch (error) {
    return {
      ready: false,
      reason: `readiness check failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  } finally {
    clearTimeout(timer);
  }
}

function json(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

// The browser demo's static files over plain node:http, for `npm start` and the demo's own browser test. It serves
// one directory and nothing outside it, whatever the request path says.
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build -w @packetflow/web` puts the demo (the launcher runs from launcher/dist/src). */
export const WEB_DEMO_DIR = fileURLToPath(new URL('../../../clients/web/dist/site', import.meta.url));

export const DEFAULT_WEB_PORT = 8080;

export interface WebServerOptions {
  /** The directory served; `WEB_DEMO_DIR` unless set. */
  readonly root?: string;
  /** `DEFAULT_WEB_PORT` unless set, 0 for any free port. */
  readonly port?: number;
  /** 127.0.0.1 unless set. */
  readonly host?: string;
}

export interface WebServer {
  readonly port: number;
  /** `http://<host>:<port>`, without a trailing slash. */
  readonly url: string;
  close(): Promise<void>;
}

// What a Vite build emits, and the assets a page like the demo's would add.
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

/** The content type of a file by its extension; octet-stream for any other, which browsers will not sniff. */
function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` a request target names, or a status to answer instead: 400 for a target that is not a
 * path or does not decode, 404 for one that would leave `root` (`..` segments, raw or percent-encoded, and encoded
 * slashes are decoded first, then the joined path must still lie under `root`).
 */
function resolveRequestPath(root: string, target: string): string | 400 | 404 {
  if (!target.startsWith('/')) return 400;
  const rawPath = target.replace(/[?#].*$/s, '');
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return 400;
  }
  if (path.includes('\0')) return 400;
  // join, never resolve: a decoded path that starts with a slash stays under root instead of replacing it.
  const file = join(root, path);
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return 404;
  return file;
}

function answer(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...extra });
  res.end(`${text}\n`);
}

async function serve(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    answer(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    return;
  }
  const resolved = resolveRequestPath(root, req.url ?? '');
  if (resolved === 400) return answer(res, 400, 'bad request path');
  if (resolved === 404) return answer(res, 404, 'not found');
  let file = resolved;
  let info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if (info === undefined || !info.isFile()) return answer(res, 404, 'not found');
  res.writeHead(200, {
    'Content-Type': contentTypeOf(file),
    'Content-Length': info.size,
    'X-Content-Type-Options': 'nosniff',
    // A rebuild changes the files under the same names (index.html): the browser must ask again every time.
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/** Serves `root` (the built browser demo unless set) on 127.0.0.1; resolves once it listens. */
export function startWebServer(options: WebServerOptions = {}): Promise<WebServer> {
  const root = resolve(options.root ?? WEB_DEMO_DIR);
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    serve(root, req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else answer(res, 500, 'internal error');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'the port is taken' : error.message;
      reject(new Error(`the web server could not listen on ${host}:${options.port ?? DEFAULT_WEB_PORT}: ${why}`));
    });
    server.listen(options.port ?? DEFAULT_WEB_PORT, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        url: `http://${host}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

export interface WebDemoOptions extends WebServerOptions {
  /** The gateway the page should use; the page assumes its own host on port 2567 unless told. */
  readonly gatewayUrl: string;
}

/**
 * For `npm start`: serves the demo when it is built and says where to open it; when it is not built, or the port is
 * taken, serves nothing and says why and what to do. Never fails: the backend is worth running without it.
 */
export async function serveWebDemo(options: WebDemoOptions): Promise<{ server?: WebServer; line: string }> {
  const root = options.root ?? WEB_DEMO_DIR;
  if (!existsSync(join(root, 'index.html'))) {
    return { line: `  browser demo        not built: run \`npm run build -w @packetflow/web\`, then start again` };
  }
  try {
    const server = await startWebServer(options);
    // The page looks for the gateway on its own host at port 2567; any other has to be passed along.
    const query = new URL(options.gatewayUrl).port === '2567' ? '' : `/?gateway=${options.gatewayUrl}`;
    return { server, line: `  open ${server.url}${query} in a browser   (the browser demo)` };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { line: `  browser demo        not served: ${why} (PACKETFLOW_WEB_PORT picks another)` };
  }
}

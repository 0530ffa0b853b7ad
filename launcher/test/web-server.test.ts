import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serveWebDemo, startWebServer, WEB_DEMO_DIR, type WebServer } from '../src/index.js';

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A request with the target exactly as given: fetch would normalise `..` away before it left the client. */
function get(server: WebServer, target: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: target, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The first line of the answer to a request line written byte for byte (node:http refuses some targets). */
function rawStatusLine(server: WebServer, requestLine: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => {
      socket.write(`${requestLine}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('end', () => resolve(text.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

describe('the web server for the browser demo', () => {
  const base = mkdtempSync(join(tmpdir(), 'launcher-web-'));
  const root = join(base, 'site');
  let server: WebServer;

  before(async () => {
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1);');
    writeFileSync(join(root, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(join(root, 'assets', 'blob.bin'), 'raw');
    // Beside the served directory, where a traversal would land.
    writeFileSync(join(base, 'secret.txt'), 'the secret');
    server = await startWebServer({ root, port: 0 });
  });

  after(async () => {
    await server.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and serves index.html for /', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const reply = await get(server, '/');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(reply.headers['x-content-type-options'], 'nosniff');
    assert.equal(reply.body, '<!doctype html><title>demo</title>');
    assert.equal((await get(server, '/index.html?gateway=http://127.0.0.1:2567')).status, 200, 'a query is ignored');
  });

  it('gives each file the content type of its extension', async () => {
    const js = await get(server, '/assets/index-abc123.js');
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['content-length'], String('console.log(1);'.length));
    assert.equal((await get(server, '/assets/index-abc123.css')).headers['content-type'], 'text/css; charset=utf-8');
    assert.equal((await get(server, '/assets/blob.bin')).headers['content-type'], 'application/octet-stream');
  });

  it('answers HEAD without a body, 404 for what is not there and 405 for other methods', async () => {
    const head = await get(server, '/assets/index-abc123.js', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal((await get(server, '/nothing.js')).status, 404);
    assert.equal((await get(server, '/assets')).status, 404, 'a directory without index.html');
    const post = await get(server, '/', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
  });

  for (const target of [
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
  ]) {
    it(`serves nothing outside its directory: ${target}`, async () => {
      const reply = await get(server, target);
      assert.equal(reply.status, 404);
      assert.doesNotMatch(reply.body, /the secret/);
    });
  }

  for (const [label, target] of [
    ['/etc/passwd', '/etc/passwd'],
    ['//etc/passwd', '//etc/passwd'],
    ['/%2fetc%2fpasswd', '/%2fetc%2fpasswd'],
    ['the temp directory, encoded', `/${encodeURIComponent(base)}/secret.txt`],
  ] as const) {
    it(`reads an absolute path as one under its directory: ${label}`, async () => {
      const reply = await get(server, target);
      assert.equal(reply.status, 404);
      assert.doesNotMatch(reply.body, /root:|the secret/);
    });
  }

  it('refuses targets that are not paths or do not decode', async () => {
    assert.equal((await get(server, '/%E0%A4%A')).status, 400, 'a broken percent escape');
    assert.equal((await get(server, '/index.html%00.js')).status, 400, 'a NUL byte');
    assert.match(await rawStatusLine(server, `GET ${base}/secret.txt HTTP/1.1`), / 404 /);
    assert.match(await rawStatusLine(server, 'GET * HTTP/1.1'), / 400 /);
  });

  it('defaults to the built demo in clients/web', () => {
    assert.match(WEB_DEMO_DIR, /clients\/web\/dist\/site$/);
  });
});

describe('npm start and the browser demo', () => {
  const built = mkdtempSync(join(tmpdir(), 'launcher-demo-'));
  const unbuilt = mkdtempSync(join(tmpdir(), 'launcher-demo-'));
  const servers: WebServer[] = [];

  before(() => writeFileSync(join(built, 'index.html'), '<!doctype html>'));
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    rmSync(built, { recursive: true, force: true });
    rmSync(unbuilt, { recursive: true, force: true });
  });

  it('says where to open the demo, passing the gateway along when it is not on 2567', async () => {
    const usual = await serveWebDemo({ root: built, port: 0, gatewayUrl: 'http://127.0.0.1:2567' });
    servers.push(usual.server!);
    assert.equal(usual.line, `  open ${usual.server!.url} in a browser   (the browser demo)`);
    assert.equal((await get(usual.server!, '/')).body, '<!doctype html>');
    const moved = await serveWebDemo({ root: built, port: 0, gatewayUrl: 'http://127.0.0.1:3111' });
    servers.push(moved.server!);
    assert.equal(
      moved.line,
      `  open ${moved.server!.url}/?gateway=http://127.0.0.1:3111 in a browser   (the browser demo)`,
    );
  });

  it('says how to build the demo when it is not built, and serves nothing', async () => {
    const result = await serveWebDemo({ root: unbuilt, port: 0, gatewayUrl: 'http://127.0.0.1:2567' });
    assert.equal(result.server, undefined);
    assert.match(result.line, /not built: run `npm run build -w @packetflow\/web`/);
  });

  it('says the port is taken instead of failing', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const result = await serveWebDemo({ root: built, port, gatewayUrl: 'http://127.0.0.1:2567' });
      assert.equal(result.server, undefined);
      assert.match(
        result.line,
        new RegExp(`not served: .*127\\.0\\.0\\.1:${port}: the port is taken .*PACKETFLOW_WEB_PORT`),
      );
    } finally {
      blocker.close();
    }
  });
});

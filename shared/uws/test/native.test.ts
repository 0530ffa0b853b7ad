import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { get } from 'node:http';
import { describe, test } from 'node:test';
import uWS, { App, backend, nativeBuild, us_listen_socket_close, us_socket_local_port } from '../src/index.js';
import { wsEcho } from './ws-client.js';

const knownBuilds = ['@btc-vision/uwebsockets.js@20.57.0', '@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0'];

/** A GET on its own connection, closed after the response, so no keep-alive socket holds the process open. */
function httpGet(url: string): Promise<{ status: number; contentType: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    }).on('error', reject);
  });
}

interface SharedObjectsReport {
  sharedObjects: string[];
}

describe('the native build', () => {
  test('comes from a .node file the process has loaded, never the JS fallback', () => {
    assert.ok(knownBuilds.includes(nativeBuild.name), nativeBuild.name);
    assert.match(nativeBuild.file, /uws_\w+_\w+_\d+\.node$/);
    assert.ok(existsSync(nativeBuild.file));
    const report = process.report.getReport() as unknown as SharedObjectsReport;
    assert.ok(report.sharedObjects.includes(nativeBuild.file), `${nativeBuild.file} is not a loaded shared object`);
    // The trufflesuite fallback's App is a JS function; the addon's is native code.
    assert.match(Function.prototype.toString.call(App), /\[native code\]/);
    assert.ok(backend.includes(nativeBuild.name) && backend.includes(nativeBuild.file));
    for (const skipped of nativeBuild.skipped) assert.ok(skipped.reason.length > 0);
  });

  test('the default import and the named exports are the same functions', () => {
    assert.equal(uWS.App, App);
    assert.equal(uWS.us_listen_socket_close, us_listen_socket_close);
    assert.equal(typeof uWS.SHARED_COMPRESSOR, 'number');
    assert.equal(typeof uWS.LIBUS_LISTEN_EXCLUSIVE_PORT, 'number');
  });

  test('an App serves an HTTP GET and echoes WebSocket messages on a loopback port', async () => {
    const app: uWS.TemplatedApp = uWS.App();
    app.get('/hello', (res: uWS.HttpResponse, req: uWS.HttpRequest) => {
      res.writeHeader('content-type', 'text/plain').end(`hello ${req.getQuery('name')}`);
    });
    const behavior: uWS.WebSocketBehavior<{ opened: number }> = {
      upgrade: (res, req, context) => {
        res.upgrade(
          { opened: Date.now() },
          req.getHeader('sec-websocket-key'),
          req.getHeader('sec-websocket-protocol'),
          req.getHeader('sec-websocket-extensions'),
          context,
        );
      },
      message: (ws, message, isBinary) => {
        ws.send(message, isBinary);
      },
    };
    app.ws('/echo', behavior);
    const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
      app.listen('127.0.0.1', 0, (socket) => (socket ? resolve(socket) : reject(new Error('listen failed'))));
    });
    try {
      const port = us_socket_local_port(listenSocket as uWS.us_socket);
      assert.ok(port > 0);

      const response = await httpGet(`http://127.0.0.1:${port}/hello?name=uws`);
      assert.equal(response.status, 200);
      assert.equal(response.contentType, 'text/plain');
      assert.equal(response.body, 'hello uws');

      const payload = Buffer.from([1, 2, 3, 250, 0, 7]);
      const echoed = await wsEcho(port, '/echo', [payload, Buffer.from('text frame')]);
      assert.deepEqual(echoed, [
        { binary: true, data: payload },
        { binary: false, data: Buffer.from('text frame') },
      ]);
    } finally {
      us_listen_socket_close(listenSocket);
    }
  });
});

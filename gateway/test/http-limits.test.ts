// Hostile HTTP: bursts from one address, oversized and garbage bodies. Each answered with a clear refusal while the
// gateway goes on serving everyone else.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MATCH_ROOM } from '@packetflow/protocol';
import { type InProcessBackend, inProcessBackend } from './support/in-process-backend.js';
import { eventually, guestToken, RawBot } from './support/raw-bot.js';

const limit = 5;
const maxBody = 1024;

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: { code?: number; error?: string };
}

async function post(url: string, path: string, init: { body?: string; token?: string } = {}): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(init.token === undefined ? {} : { Authorization: `Bearer ${init.token}` }),
    },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await response.text();
  let body: Answer['body'] = {};
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    body = { error: text };
  }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

/** Writes a request by hand on a TCP socket and reads what comes back until the gateway closes it. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error(`no answer and no close; got ${JSON.stringify(received.slice(0, 200))}`));
    });
  });
}

/** HTTP requests on `route` the gateway answered with a status `wanted` takes (`packetflow_gateway_http_requests_total`). */
async function httpAnswers(
  backend: InProcessBackend,
  route: string,
  wanted: (status: string) => boolean,
): Promise<number> {
  const metric = backend.metrics.getSingleMetric('packetflow_gateway_http_requests_total');
  assert.ok(metric, 'packetflow_gateway_http_requests_total is registered');
  const { values } = await metric.get();
  return values
    .filter((value) => value.labels.route === route && wanted(String(value.labels.status)))
    .reduce((sum, value) => sum + value.value, 0);
}

function statusOf(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
}

/** A guest token once the address may have one again. */
async function tokenWhenServed(url: string): Promise<string> {
  const answer = await eventually(
    () => post(url, '/auth/guest'),
    (a) => a.status === 200,
    'a guest token once the window has passed',
  );
  return (answer.body as { token: string }).token;
}

describe('HTTP rate limits per address', () => {
  let backend: InProcessBackend;
  const bots: RawBot[] = [];

  before(async () => {
    backend = await inProcessBackend({
      PACKETFLOW_HTTP_RATE_WINDOW_MS: '1000',
      PACKETFLOW_GUEST_RATE_LIMIT: String(limit),
      PACKETFLOW_MATCHMAKE_RATE_LIMIT: String(limit),
    });
  });

  after(async () => {
    await Promise.allSettled(bots.map((bot) => bot.leave()));
    await backend.close();
  });

  it('answers a burst of guest-token requests over the limit 429 with Retry-After, and serves the address again after the window', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, () => post(backend.url, '/auth/guest')));
    const served = answers.filter((a) => a.status === 200).length;
    const refused = answers.filter((a) => a.status === 429);
    assert.ok(served >= 1 && served <= limit, `served ${served}`);
    assert.equal(served + refused.length, answers.length, JSON.stringify(answers.map((a) => a.status)));
    for (const answer of refused) {
      assert.match(answer.retryAfter ?? '', /^[1-9]\d*$/, 'Retry-After in whole seconds');
      assert.equal(answer.body.code, 429);
      assert.match(answer.body.error ?? '', /too many requests from 127\.0\.0\.1: retry in \d+ s/);
    }
    // The same route spelt otherwise (express matches it regardless of case and a trailing slash) counts the same.
    for (const path of ['/AUTH/GUEST', '/auth/guest/', '//auth//guest']) {
      assert.equal((await post(backend.url, path)).status, 429, path);
    }
    assert.ok(await tokenWhenServed(backend.url));
  });

  it('limits seat reservations per address too, token or not', async () => {
    const token = await tokenWhenServed(backend.url);
    const route = `/matchmake/joinOrCreate/${MATCH_ROOM}`;
    const answers = await Promise.all(
      Array.from({ length: 2 * limit }, () => post(backend.url, route, { body: '{}' })),
    );
    assert.ok(answers.every((a) => a.status === 525 || a.status === 429));
    assert.ok(answers.filter((a) => a.status === 429).length >= limit, JSON.stringify(answers.map((a) => a.status)));
    const refused = await post(backend.url, `/MATCHMAKE/joinOrCreate/${MATCH_ROOM}/`, { body: '{}', token });
    assert.equal(refused.status, 429);
    assert.ok(refused.retryAfter);
    const bot = await eventually(
      () => RawBot.join(backend.url, { token }).catch((error: { code?: number }) => error),
      (result) => result instanceof RawBot,
      'a join once the window has passed',
    );
    bots.push(bot as RawBot);
  });
});

describe('HTTP bodies', () => {
  let backend: InProcessBackend;
  const bots: RawBot[] = [];

  before(async () => {
    backend = await inProcessBackend({ PACKETFLOW_MAX_HTTP_BODY_BYTES: String(maxBody) });
  });

  after(async () => {
    await Promise.allSettled(bots.map((bot) => bot.leave()));
    await backend.close();
  });

  it('answers a body over the limit 413 before reading it, a chunked body 411, and serves others meanwhile', async () => {
    // The headers announce 100 MB and only a few bytes follow: the answer comes without waiting for the rest.
    const declared = await rawExchange(
      backend.gateway.port,
      `POST /matchmake/joinOrCreate/${MATCH_ROOM} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        'Content-Length: 100000000\r\n\r\n{"name":"',
    );
    assert.equal(statusOf(declared), 413, declared);
    assert.match(declared, /request body of 100000000 bytes: the limit is 1024/);
    const chunked = await rawExchange(
      backend.gateway.port,
      `POST /auth/guest HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n${'x'.repeat(1024)}`,
    );
    assert.equal(statusOf(chunked), 411, chunked);
    assert.match(chunked, /needs a Content-Length/);
    // One just over the limit through an ordinary client, on a route nobody serves.
    const over = await post(backend.url, '/unknown-route', { body: 'x'.repeat(maxBody + 1) });
    assert.equal(over.status, 413);
    const bot = await RawBot.join(backend.url, { token: (await guestToken(backend.url)).token });
    bots.push(bot);
    await bot.nextSnapshot();
  });

  it('refuses garbage bodies with an error, and stays up', async () => {
    const { token } = await guestToken(backend.url);
    const garbage = [
      '{not json',
      '[]',
      '"a string"',
      'null',
      '12',
      '{"name":{"$gt":""}}',
      '{"name":"x".repeat}',
      `${'['.repeat(400)}${']'.repeat(400)}`,
      '\u0000\u0001\u0002\uffff',
    ];
    for (const body of garbage) {
      const answer = await post(backend.url, `/matchmake/create/${MATCH_ROOM}`, { body, token });
      assert.notEqual(answer.status, 200, `${body.slice(0, 20)}: ${JSON.stringify(answer.body)}`);
      assert.ok(answer.status >= 400 && answer.status < 600, `${body.slice(0, 20)}: ${answer.status}`);
    }
    // A length that is no byte count: uWS refuses the request. Node 20's build (@trufflesuite) closes the
    // connection without an answer; the build loaded on Node 24 (@btc-vision) answers 400 itself, then closes it.
    // Either way no guest token is issued. (Both builds let one that overflows 64 bits on to the request guard,
    // which refuses it 413, but that answer never reaches the client.)
    const served = () => httpAnswers(backend, 'auth_guest', (status) => status.startsWith('2'));
    const servedBefore = await served();
    assert.ok(servedBefore >= 1, 'the guest token above is counted');
    for (const length of ['lots', '-1', '1e3', '0x10', '+5', '99999999999999999999']) {
      const what = `Content-Length: ${length}`;
      const broken = await rawExchange(
        backend.gateway.port,
        `POST /auth/guest HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n`,
      );
      if (broken !== '') {
        assert.equal(statusOf(broken), 400, `${what}: ${broken}`);
        assert.equal(broken.match(/HTTP\/1\.1 /g)?.length, 1, `${what}: one answer, then the close: ${broken}`);
      }
      assert.equal(await served(), servedBefore, `${what}: no guest token issued`);
    }
    const bot = await RawBot.join(backend.url, { token: (await guestToken(backend.url)).token });
    bots.push(bot);
    await bot.nextSnapshot();
  });

  it('stays up when clients go away in the middle of their requests', async () => {
    // Upstream's transport threw an uncaught TypeError for a request to an express route cut short (the process
    // ended); the test runner fails the test on such an exception.
    for (const path of ['/auth/guest', `/matchmake/joinOrCreate/${MATCH_ROOM}`, '/unknown-route']) {
      await new Promise<void>((resolve, reject) => {
        const socket = connect(backend.gateway.port, '127.0.0.1', () => {
          socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"na`, () => {
            socket.destroy();
            resolve();
          });
        });
        socket.on('error', reject);
      });
    }
    for (let i = 0; i < 3; i++) assert.ok((await guestToken(backend.url)).token);
    const bot = await RawBot.join(backend.url, { token: (await guestToken(backend.url)).token });
    bots.push(bot);
    await bot.nextSnapshot();
  });
});

describe('HTTP limits with an exempt address', () => {
  let backend: InProcessBackend;

  before(async () => {
    backend = await inProcessBackend({ PACKETFLOW_GUEST_RATE_LIMIT: '1', PACKETFLOW_RATE_LIMIT_EXEMPT: '127.0.0.0/8' });
  });

  after(() => backend.close());

  it('serves every request from it', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(backend.url, '/auth/guest')));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
  });
});

// A seat is reserved only for a request with a valid token: anonymous reservations used to fill matches and lock
// real players out (522 "room is locked") until they expired.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@colyseus/sdk';
import { MATCH_ROOM } from '@packetflow/protocol';
import { issueGuestToken } from '../src/index.js';
import { type InProcessBackend, inProcessBackend, TEST_SECRET } from './support/in-process-backend.js';
import { guestToken, RawBot } from './support/raw-bot.js';

interface Answer {
  readonly status: number;
  readonly body: { code?: number; error?: string; sessionId?: string; roomId?: string };
  /** The body as it came, for an answer that is not JSON. */
  readonly text: string;
}

async function matchmake(url: string, route: string, authorization?: string): Promise<Answer> {
  const response = await fetch(`${url}/matchmake/${route}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(authorization === undefined ? {} : { Authorization: authorization }),
    },
    body: '{}',
  });
  const text = await response.text();
  if (response.status === 431) return { status: response.status, body: {}, text };
  return { status: response.status, body: JSON.parse(text) as Answer['body'], text };
}

/** Seat reservations the gateway answered, whatever the status (`packetflow_gateway_http_requests_total`). */
async function matchmakeAnswers(backend: InProcessBackend): Promise<number> {
  const metric = backend.metrics.getSingleMetric('packetflow_gateway_http_requests_total');
  assert.ok(metric, 'packetflow_gateway_http_requests_total is registered');
  const { values } = await metric.get();
  return values.filter((value) => value.labels.route === 'matchmake').reduce((sum, value) => sum + value.value, 0);
}

describe('seat reservations', () => {
  let backend: InProcessBackend;
  const bots: RawBot[] = [];

  before(async () => {
    backend = await inProcessBackend({ PACKETFLOW_MATCH_SIZE: '2' });
  });

  after(async () => {
    await Promise.allSettled(bots.map((bot) => bot.leave()));
    await backend.close();
  });

  it('are refused without a valid token, with AUTH_FAILED naming why, and no seat', async () => {
    const forged = issueGuestToken('some-other-secret-0123456789', 60_000).token;
    const expired = issueGuestToken(TEST_SECRET, 1_000, Date.now() - 10_000).token;
    // The 5000-character token makes a header block over the limit of the uWS build loaded on Node 24
    // (@btc-vision), which answers 431 itself before the gateway sees the request; Node 20's build lets it through
    // to the gateway, which refuses the token. Either way no seat.
    const overHeaderLimit = 'the transport may refuse the headers';
    const cases: Array<[string | undefined, RegExp, typeof overHeaderLimit?]> = [
      [undefined, /token refused: missing/],
      ['Bearer ', /token refused: missing/],
      ['Basic dXNlcjpwYXNz', /token refused: missing/],
      [`Bearer ${forged}`, /token refused: bad signature/],
      [`Bearer ${expired}`, /token refused: expired/],
      ['Bearer not-a-token', /token refused: malformed/],
      [`Bearer ${'a'.repeat(5000)}.b`, /token refused: malformed/, overHeaderLimit],
    ];
    for (const route of [`joinOrCreate/${MATCH_ROOM}`, `create/${MATCH_ROOM}`, `join/${MATCH_ROOM}`]) {
      for (const [authorization, reason, mayBeRefused] of cases) {
        const answeredBefore = await matchmakeAnswers(backend);
        const answer = await matchmake(backend.url, route, authorization);
        const what = `${route} with ${authorization?.slice(0, 30)}`;
        if (mayBeRefused === overHeaderLimit && answer.status === 431) {
          assert.match(answer.text, /Request Header Fields Too Large/, what);
          assert.equal(await matchmakeAnswers(backend), answeredBefore, `${what}: refused before the gateway saw it`);
          continue;
        }
        assert.equal(await matchmakeAnswers(backend), answeredBefore + 1, `${what}: answered by the gateway`);
        assert.equal(answer.body.code, 525, `${what}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.status, 525, what);
        assert.match(answer.body.error ?? '', reason, what);
        assert.equal(answer.body.sessionId, undefined, `${what}: no seat`);
      }
    }
  });

  it('without a token do not take seats: a match stays open to real players', async () => {
    const first = await RawBot.join(backend.url, { token: (await guestToken(backend.url)).token });
    bots.push(first);
    const roomId = first.room.roomId;
    for (let i = 0; i < 7; i++) {
      const answer = await matchmake(backend.url, `joinById/${roomId}`);
      assert.equal(answer.body.code, 525, JSON.stringify(answer.body));
      assert.equal(answer.body.sessionId, undefined);
    }
    for (let i = 0; i < 3; i++) assert.equal((await matchmake(backend.url, `joinOrCreate/${MATCH_ROOM}`)).status, 525);
    const second = await RawBot.join(backend.url, { token: (await guestToken(backend.url)).token, roomId });
    bots.push(second);
    assert.equal(second.room.roomId, roomId, 'the second real player has the seat');
  });

  it('with a valid token are checked again at the WebSocket join', async () => {
    const { token } = await guestToken(backend.url);
    const reserved = await matchmake(backend.url, `create/${MATCH_ROOM}`, `Bearer ${token}`);
    assert.equal(reserved.status, 200, JSON.stringify(reserved.body));
    assert.ok(reserved.body.sessionId, 'a seat');
    const client = new Client(backend.url.replace('http', 'ws'));
    client.auth.token = issueGuestToken('some-other-secret-0123456789', 60_000).token;
    await assert.rejects(
      client.consumeSeatReservation(reserved.body as Parameters<Client['consumeSeatReservation']>[0]),
      (error: { code: number; message: string }) => error.code === 525 && /bad signature/.test(error.message),
    );
  });
});

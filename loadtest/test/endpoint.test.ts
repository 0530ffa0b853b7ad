// Gateway addresses and room URLs, against the URL the SDK opened in the recorded exchange.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  httpUrl,
  matchmakeHeaders,
  matchmakeUrl,
  parseGateway,
  parseSeatReservation,
  roomUrl,
} from '../src/colyseus/endpoint.js';
import { exchange } from './colyseus-framing.test.js';

describe('gateway endpoints', () => {
  const guest = exchange.http[0]!;
  const matchmake = exchange.http[1]!;
  const gatewayUrl = guest.url.replace('/auth/guest', '');
  const token = JSON.parse(guest.response).token as string;

  it('builds the SDK’s HTTP routes and matchmaking headers', () => {
    const gateway = parseGateway(gatewayUrl);
    assert.equal(httpUrl(gateway, '/auth/guest'), guest.url);
    assert.equal(matchmakeUrl(gateway, 'joinOrCreate', 'match'), matchmake.url);
    const headers = Object.fromEntries(Object.entries(matchmakeHeaders(token)).map(([k, v]) => [k.toLowerCase(), v]));
    assert.deepEqual(headers, matchmake.headers);
  });

  it('builds the room URL the SDK opened from the seat reservation', () => {
    const seat = parseSeatReservation(JSON.parse(matchmake.response));
    assert.equal(roomUrl(parseGateway(gatewayUrl), seat, token), exchange.wsUrl);
  });

  it('connects to a reservation’s public address, securely for https, keeping the address’s path and query', () => {
    const seat = parseSeatReservation({ name: 'match', sessionId: 's', roomId: 'r', processId: 'p' });
    const gateway = parseGateway('https://play.example:443/game/?region=eu');
    assert.equal(httpUrl(gateway, 'auth/guest'), 'https://play.example/game/auth/guest?region=eu');
    assert.equal(roomUrl(gateway, seat, 't'), 'wss://play.example/game/p/r?region=eu&sessionId=s&_authToken=t');
    const elsewhere = { ...seat, publicAddress: 'gw2.example:2568' };
    assert.equal(roomUrl(gateway, elsewhere, undefined), 'wss://gw2.example:2568/p/r?region=eu&sessionId=s');
    assert.equal(parseGateway('ws://[::1]:2567').hostname, '[::1]');
  });

  it('refuses what is not a gateway address or a seat reservation', () => {
    assert.throws(() => parseGateway('ftp://x'), TypeError);
    assert.throws(() => parseSeatReservation({ name: 'match', roomId: 'r' }), /sessionId/);
    assert.throws(() => parseSeatReservation(null), TypeError);
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Client, type Room } from '@colyseus/sdk';
import { ECHO_MESSAGE, type Gateway, INPUT_MESSAGE, issueGuestToken, nativeBuild, startGateway } from '../src/index.js';

const secret = 'test-secret-0123456789abcdef';
const maxInputBytes = 256;
const maxPayloadBytes = 1024;

async function guestToken(port: number): Promise<{ token: string; playerId: string; expiresAt: number }> {
  const response = await fetch(`http://127.0.0.1:${port}/auth/guest`, { method: 'POST' });
  assert.equal(response.status, 200);
  return (await response.json()) as { token: string; playerId: string; expiresAt: number };
}

function client(port: number, token?: string): Client {
  const c = new Client(`ws://127.0.0.1:${port}`);
  if (token !== undefined) c.auth.token = token;
  return c;
}

function nextBytes(room: Room, type: string): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const off = room.onMessage(type, (payload: Uint8Array) => {
      off();
      resolve(payload);
    });
  });
}

async function refusal(join: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await join;
  } catch (error) {
    const e = error as { code: number; message: string };
    return { code: e.code, message: e.message };
  }
  assert.fail('join was accepted');
}

describe('gateway', () => {
  let gateway: Gateway;
  const rooms: Room[] = [];

  before(async () => {
    gateway = await startGateway(
      { host: '127.0.0.1', port: 0, tokenSecret: secret, guestTokenTtlMs: 60_000, maxInputBytes, maxPayloadBytes },
      { log: () => {} },
    );
  });

  after(async () => {
    // Only rooms still connected: the SDK's leave() never settles on a connection the server already closed.
    await Promise.allSettled(rooms.map((room) => room.leave(true)));
    await gateway.close();
  });

  it('listens on loopback only, as configured', () => {
    // /proc/net/tcp lists listening sockets (state 0A) as hex address:port; 0100007F is 127.0.0.1.
    const port = gateway.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(`:${port}`) && fields[3] === '0A')
      .map((fields) => fields[1]);
    assert.deepEqual(listening, [`0100007F:${port}`]);
  });

  it('runs on a native uWebSockets.js build', () => {
    assert.match(nativeBuild.file, /\.node$/);
    assert.ok(gateway.port > 0);
  });

  it('issues a guest token, joins a match with it and echoes a byte message', async () => {
    const guest = await guestToken(gateway.port);
    assert.match(guest.playerId, /^guest-/);
    assert.ok(guest.expiresAt > Date.now());
    const room = await client(gateway.port, guest.token).joinOrCreate('match');
    rooms.push(room);
    const echoed = nextBytes(room, ECHO_MESSAGE);
    const sent = new Uint8Array([1, 2, 3, 250, 0, 7]);
    room.sendBytes(INPUT_MESSAGE, sent);
    assert.deepEqual(Array.from(await echoed), Array.from(sent));
  });

  it('refuses a forged, an expired, a malformed and a missing token with AUTH_FAILED', async () => {
    const forged = issueGuestToken('some-other-secret-0123456789', 60_000).token;
    const expired = issueGuestToken(secret, 1_000, Date.now() - 10_000).token;
    const genuine = (await guestToken(gateway.port)).token;
    const [payload] = genuine.split('.');
    const tampered = `${payload}x.${genuine.split('.')[1]}`;
    const cases: Array<[string | undefined, RegExp]> = [
      [forged, /bad signature/],
      [tampered, /bad signature|malformed/],
      [expired, /expired/],
      ['not-a-token', /malformed/],
      [undefined, /missing/],
    ];
    for (const [token, reason] of cases) {
      const refused = await refusal(client(gateway.port, token).joinOrCreate('match'));
      assert.equal(refused.code, 525, `${token}: ${refused.message}`);
      assert.match(refused.message, reason);
    }
  });

  it('survives oversized and garbage messages while other clients carry on', async () => {
    const good = await client(gateway.port, (await guestToken(gateway.port)).token).joinOrCreate('match');
    const bad = await client(gateway.port, (await guestToken(gateway.port)).token).joinOrCreate('match');
    rooms.push(good);
    assert.equal(good.roomId, bad.roomId);

    // Over the room's input limit: answered with an INVALID_PAYLOAD error, no echo.
    const errored = new Promise<number>((resolve) => bad.onError((code) => resolve(code)));
    bad.sendBytes(INPUT_MESSAGE, new Uint8Array(maxInputBytes + 1));
    assert.equal(await errored, 4217);

    // Raw garbage frames straight onto the WebSocket: unknown protocol codes and truncated byte messages.
    const ws = (bad.connection as unknown as { transport: { send(data: Uint8Array): void } }).transport;
    for (const frame of [[255, 1, 2, 3], [2], [17], [17, 0xd9], [13, 0xff, 0xff], [10, 0xc1, 0xc1]]) {
      ws.send(new Uint8Array(frame));
    }
    // Over the transport's frame limit: uWS closes that connection.
    const left = new Promise<number>((resolve) => bad.onLeave((code) => resolve(code)));
    ws.send(new Uint8Array(maxPayloadBytes + 100));
    const code = await left;
    assert.notEqual(code, 1000);

    // The other client and the server carry on.
    for (let i = 0; i < 3; i += 1) {
      const echoed = nextBytes(good, ECHO_MESSAGE);
      good.sendBytes(INPUT_MESSAGE, new Uint8Array([i, 42]));
      assert.deepEqual(Array.from(await echoed), [i, 42]);
    }
    const late = await client(gateway.port, (await guestToken(gateway.port)).token).joinOrCreate('match');
    rooms.push(late);
    const echoed = nextBytes(late, ECHO_MESSAGE);
    late.sendBytes(INPUT_MESSAGE, new Uint8Array([9]));
    assert.deepEqual(Array.from(await echoed), [9]);
  });
});

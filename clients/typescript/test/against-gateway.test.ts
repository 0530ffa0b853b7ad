// The SDK against the real gateway, over real WebSockets, with the physics, match and player services hosted in the
// same process behind it. Network faults come from a TCP proxy between the two.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CloseCode, ErrorCode } from '@colyseus/sdk';
import { issueGuestToken } from '@packetflow/gateway';
import { type InProcessBackend, inProcessBackend } from '@packetflow/gateway/test-support';
import { binaryFrame, NetworkProxy } from '@packetflow/testing';
import {
  ClientCloseCode,
  ClientErrorCode,
  type MatchConnection,
  type MatchSnapshot,
  PacketFlowClient,
  PacketFlowError,
  SdkErrorCode,
  type Vec3,
} from '../src/index.js';
import { waiter } from './support/until.js';

const until = waiter(5000);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The player's own body in each snapshot it appears in, by server tick. */
function trackOwnBody(match: MatchConnection): Map<number, Vec3> {
  const positions = new Map<number, Vec3>();
  match.onSnapshot((snapshot: MatchSnapshot) => {
    const own = snapshot.entities.find((e) => e.entity === match.entity);
    if (own !== undefined) positions.set(snapshot.serverTick, own.position);
  });
  return positions;
}

function latest(positions: Map<number, Vec3>): Vec3 {
  const newest = Math.max(...positions.keys());
  return positions.get(newest)!;
}

/** Sends `move` at about the tick rate for `ms`; resolves with the last sequence number sent. */
async function hold(match: MatchConnection, move: { x: number; y: number }, ms: number): Promise<number> {
  let last = 0;
  const started = Date.now();
  while (Date.now() - started < ms) {
    last = match.sendInput({ move });
    await sleep(1000 / match.tickRate);
  }
  return last;
}

describe('the SDK against the real gateway', () => {
  let backend: InProcessBackend;
  const connections: MatchConnection[] = [];

  async function player(url = backend.url, options: Parameters<PacketFlowClient['create']>[0] = {}) {
    const client = new PacketFlowClient(url);
    await client.guest();
    const match = await client.create(options);
    connections.push(match);
    return { client, match };
  }

  before(async () => {
    // A seat held for a dropped player keeps a Colyseus timer alive through gateway.close() (its rejection does not
    // clear it): a short window keeps the test process from waiting out the default 20 s.
    backend = await inProcessBackend({ PACKETFLOW_RECONNECT_WINDOW_MS: '3000' });
  });

  after(async () => {
    await Promise.allSettled(connections.map((c) => c.leave()));
    await backend.close();
  });

  it('gets a guest token and joins a match once the gateway confirmed it', async () => {
    const client = new PacketFlowClient(backend.url.replace('http:', 'ws:'));
    const guest = await client.guest();
    assert.match(guest.playerId, /^guest-/);
    assert.ok(guest.expiresAt > Date.now());
    assert.equal(client.token, guest.token);
    const match = await client.create({ name: 'Ada' });
    connections.push(match);
    assert.equal(match.playerId, guest.playerId);
    assert.equal(match.tickRate, 30);
    assert.ok(match.matchId.length > 0);
    assert.ok(Number.isInteger(match.entity));
    assert.ok(match.connected);
    assert.equal(match.host, 'gateway-test', 'the node hosting the match, the gateway’s own here');
    assert.equal(match.interpolation.delayMs, 2000 / 30);
  });

  it('shows the whole match in every snapshot, partial ones merged into the last full one', async () => {
    const { match } = await player();
    const snapshots: MatchSnapshot[] = [];
    match.onSnapshot((snapshot) => snapshots.push(snapshot));
    // Props settle within a few seconds of a match starting; from then on most of them no longer move.
    const fullIndex = () => snapshots.findIndex((s) => s.full);
    await until(
      () => fullIndex() >= 0 && snapshots.slice(fullIndex()).some((s) => !s.full && s.moved.length < s.entities.length),
      'a full snapshot, then a partial one once the arena settled',
      10_000,
    );
    const full = snapshots[fullIndex()]!;
    assert.equal(full.moved.length, full.entities.length, 'a full snapshot carries everything');
    assert.ok(full.entities.length > 32, 'the props and the player');
    const ids = (s: MatchSnapshot) => s.entities.map((e) => e.entity).sort((a, b) => a - b);
    for (const partial of snapshots.filter((s) => !s.full && s.serverTick > full.serverTick)) {
      assert.deepEqual(ids(partial), ids(full), 'every entity is in every snapshot');
    }
  });

  it('numbers inputs, which move the body the way they point and are acknowledged', async () => {
    const { match } = await player();
    const positions = trackOwnBody(match);
    const acks: number[] = [];
    match.onSnapshot((_, acked) => acks.push(acked));

    assert.equal(match.sendInput({ move: { x: 1, y: 0 } }), 1);
    assert.equal(match.sendInput({ move: { x: 1, y: 0 } }), 2);
    assert.deepEqual(
      match.pendingInputs.map((p) => p.sequence),
      [1, 2],
    );
    await until(() => positions.size > 0, 'a snapshot with the body');
    const start = latest(positions);
    const lastEast = await hold(match, { x: 1, y: 0 }, 1000);
    await until(() => match.ackedSequence === lastEast, `ack of ${lastEast}`);
    assert.equal(match.pendingInputs.length, 0, 'acknowledged inputs leave the pending list');
    const east = latest(positions);
    assert.ok(east.x - start.x > 2, `moved east: ${start.x} → ${east.x}`);
    assert.ok(Math.abs(east.z - start.z) < 0.5, `not north or south: ${start.z} → ${east.z}`);

    const lastNorth = await hold(match, { x: 0, y: 1 }, 600);
    await until(() => match.ackedSequence === lastNorth, `ack of ${lastNorth}`);
    const north = latest(positions);
    assert.ok(north.z - east.z > 1, `moved along +z: ${east.z} → ${north.z}`);

    assert.deepEqual(
      acks,
      [...acks].sort((a, b) => a - b),
      'acks never go backwards',
    );
    assert.ok(match.inputRttMs !== undefined && match.inputRttMs >= 0 && match.inputRttMs < 1000);
    await until(() => match.rttMs !== undefined, 'a ping round trip');
    assert.ok(match.serverTick > 0);
  });

  it('interpolates positions between the snapshots around the render time', async () => {
    const { match } = await player();
    const positions = trackOwnBody(match);
    await hold(match, { x: 1, y: 0 }, 1000);
    // Render times are chosen on the buffer's own timeline (tickAt is linear in the render time), at fractions of
    // the ticks it holds: what is checked is the blending, not how the test machine's timers happened to fall.
    const buffer = match.interpolation;
    const newest = buffer.newestTick!;
    const now = performance.now();
    const renderTimeOf = (tick: number) => now + (tick - buffer.tickAt(now)!) * buffer.tickMs;
    let between = 0;
    for (let tick = newest - 10; tick < newest - 1; tick++) {
      const before = positions.get(tick);
      const after = positions.get(tick + 1);
      if (before === undefined || after === undefined || before.x === after.x) continue;
      for (const fraction of [0.25, 0.5, 0.75]) {
        const frame = buffer.sample(renderTimeOf(tick + fraction))!;
        assert.equal(frame.extrapolatedMs, 0);
        assert.ok(Math.abs(frame.tick - (tick + fraction)) < 1e-6, `frame at ${frame.tick}`);
        const x = frame.entities.get(match.entity)!.position.x;
        const expected = before.x + (after.x - before.x) * fraction;
        assert.ok(Math.abs(x - expected) < 1e-4, `tick ${tick + fraction}: ${x}, lerp gives ${expected}`);
        between++;
      }
    }
    assert.ok(between >= 9, `${between} samples between snapshots of a moving body`);
  });

  it('refuses a forged token and a missing one with AUTH_FAILED (525)', async () => {
    const forged = new PacketFlowClient(backend.url);
    forged.token = issueGuestToken('some-other-secret-0123456789', 60_000).token;
    await assert.rejects(forged.joinOrCreate(), (error: unknown) => {
      assert.ok(error instanceof PacketFlowError, String(error));
      assert.equal(error.code, ErrorCode.AUTH_FAILED);
      assert.match(error.message, /bad signature/);
      return true;
    });
    await assert.rejects(new PacketFlowClient(backend.url).joinOrCreate(), (error: unknown) => {
      assert.ok(error instanceof PacketFlowError && error.code === 525 && /missing/.test(error.message), String(error));
      return true;
    });
  });

  it('joins a second player into a match by its id, and refuses an id with no match and a bad name', async () => {
    const { match: ada } = await player();
    const bob = new PacketFlowClient(backend.url);
    await bob.guest();
    const bobMatch = await bob.join(ada.matchId, { name: 'Bob' });
    connections.push(bobMatch);
    assert.equal(bobMatch.matchId, ada.matchId);
    assert.notEqual(bobMatch.entity, ada.entity);
    const seen = new Set<number>();
    ada.onSnapshot((s) => {
      for (const e of s.entities) seen.add(e.entity);
    });
    bobMatch.sendInput({ move: { x: -1, y: 0 } });
    await until(() => seen.has(bobMatch.entity), "Bob's body in Ada's snapshots");

    await assert.rejects(bob.join('no-such-match'), (error: unknown) => {
      assert.ok(error instanceof PacketFlowError, String(error));
      assert.equal(error.code, ErrorCode.MATCHMAKE_INVALID_ROOM_ID);
      return true;
    });
    await assert.rejects(bob.join(ada.matchId, { name: '\u0000' }), (error: unknown) => {
      assert.ok(error instanceof PacketFlowError, String(error));
      assert.equal(error.code, ErrorCode.MATCHMAKE_INVALID_CRITERIA);
      return true;
    });
  });

  it('closes the older connection with Replaced when the same player joins again, and keeps its entity', async () => {
    const { client, match: first } = await player();
    const closed = new Promise<number>((resolve) => first.onLeave(resolve));
    const second = await client.join(first.matchId);
    connections.push(second);
    assert.equal(await closed, ClientCloseCode.Replaced);
    assert.equal(second.entity, first.entity);
    assert.equal(second.playerId, first.playerId);
  });

  it('leaves with consent: close code 4000, no input after it, leave() again answers the same', async () => {
    const { match } = await player();
    const left: number[] = [];
    match.onLeave((code) => left.push(code));
    assert.equal(await match.leave(), CloseCode.CONSENTED);
    assert.deepEqual(left, [CloseCode.CONSENTED]);
    assert.ok(!match.connected);
    assert.throws(() => match.sendInput({ move: { x: 0, y: 0 } }), /has left/);
    assert.equal(await match.leave(), CloseCode.CONSENTED);
  });

  it('reports the gateway refusing inputs over its rate, and the close when the client keeps on', async () => {
    const { match } = await player();
    const errors: number[] = [];
    match.onError((code) => errors.push(code));
    const left = new Promise<number>((resolve) => match.onLeave(resolve));
    // Far past the gateway's burst at once; every refused input is a strike against the client.
    for (let i = 0; i < 200 && match.connected; i++) match.sendInput({ move: { x: 0, y: 0 } });
    assert.equal(await left, ClientCloseCode.Misbehaving);
    assert.ok(errors.includes(ClientErrorCode.RateLimited), `errors: ${errors}`);
  });

  describe('through a network that fails', () => {
    let proxy: NetworkProxy;
    const quickReconnect = { reconnection: { minUptimeMs: 0, minDelayMs: 50, maxDelayMs: 200 } };

    before(async () => {
      proxy = await NetworkProxy.start(backend.gateway.port);
    });

    after(async () => {
      await proxy.close();
    });

    it('reconnects a cut connection into the same match and entity, and resends what was not acknowledged', async () => {
      const { match } = await player(proxy.url, quickReconnect);
      const positions = trackOwnBody(match);
      const first = await hold(match, { x: 1, y: 0 }, 300);
      await until(() => match.ackedSequence === first, 'the first inputs acknowledged');
      const { matchId, entity } = match;

      const dropped = new Promise<number>((resolve) => match.onDrop(resolve));
      const reconnected = new Promise<void>((resolve) => match.onReconnect(resolve));
      proxy.cut();
      assert.equal(await dropped, CloseCode.ABNORMAL_CLOSURE);
      assert.ok(!match.connected);
      // Made while the connection is down: only the resend after the rejoin can carry these to the gateway.
      let last = 0;
      for (let i = 0; i < 5; i++) last = match.sendInput({ move: { x: -1, y: 0 } });
      assert.deepEqual(
        match.pendingInputs.map((p) => p.sequence),
        [first + 1, first + 2, first + 3, first + 4, first + 5],
      );
      await reconnected;
      assert.ok(match.connected);
      assert.equal(match.matchId, matchId);
      assert.equal(match.entity, entity, 'the player keeps its entity');

      const westFrom = latest(positions);
      await until(() => match.ackedSequence === last, `ack of ${last}, sent only by the resend`);
      assert.equal(match.pendingInputs.length, 0);
      await sleep(300);
      assert.ok(latest(positions).x < westFrom.x, 'the resent inputs turned the body west');
      const offences = backend.log.lines.filter(
        (line) => line.message === 'client cut off' && line.fields?.player === match.playerId,
      );
      assert.deepEqual(offences, [], 'resends are no offence');
    });

    it('resends only the newest inputs of a long drop, which the gateway takes within its rate', async () => {
      const { match } = await player(proxy.url, quickReconnect);
      const errors: number[] = [];
      match.onError((code) => errors.push(code));
      const dropped = new Promise<number>((resolve) => match.onDrop(resolve));
      const reconnected = new Promise<void>((resolve) => match.onReconnect(resolve));
      proxy.cut();
      await dropped;
      // Two seconds of input at 30 Hz: twice the gateway's burst, had it all gone out at once.
      let last = 0;
      for (let i = 0; i < 60; i++) last = match.sendInput({ move: { x: 0, y: 1 } });
      await reconnected;
      await until(() => match.ackedSequence === last, `ack of ${last}`);
      assert.equal(match.pendingInputs.length, 0, 'the ack of the newest covers the ones not resent');
      assert.deepEqual(errors, []);
      assert.ok(match.connected);
    });

    it('stops reconnecting when left while the connection is down', async () => {
      const { match } = await player(proxy.url, quickReconnect);
      const dropped = new Promise<number>((resolve) => match.onDrop(resolve));
      proxy.refuse(true);
      try {
        proxy.cut();
        await dropped;
        assert.equal(await match.leave(), CloseCode.ABNORMAL_CLOSURE, 'the attempt under way failed, no more followed');
      } finally {
        proxy.refuse(false);
      }
    });

    it('reports bytes the gateway never sent as an error and carries on', async () => {
      const { match } = await player(proxy.url);
      const errors: { code: number; message: string }[] = [];
      match.onError((code, message) => errors.push({ code, message }));
      const snapshots: number[] = [];
      match.onSnapshot((s) => snapshots.push(s.serverTick));
      match.sendInput({ move: { x: 1, y: 0 } });
      await until(() => snapshots.length > 0, 'snapshots');
      const { entity } = match;

      // Colyseus byte messages (code 17, then the type as a short string) whose bodies are not the promised tables.
      const message = (type: string, body: number[]) =>
        binaryFrame(Uint8Array.from([17, 0xa0 | type.length, ...Buffer.from(type), ...body]));
      // Earlier tests' connections through the proxy may still be closing: each open one gets the frames.
      assert.ok(proxy.injectToClients(message('snap', [1, 2, 3, 4, 5, 6, 7, 8, 9])) >= 1);
      assert.ok(proxy.injectToClients(message('joined', [0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0])) >= 1);
      await until(() => errors.length === 2, 'two errors');
      assert.deepEqual(
        errors.map((e) => e.code),
        [SdkErrorCode.UnreadableMessage, SdkErrorCode.UnreadableMessage],
      );
      assert.match(errors[0]!.message, /Snapshot/);
      assert.match(errors[1]!.message, /Joined/);

      const count = snapshots.length;
      await until(() => snapshots.length > count + 3, 'snapshots after the bad bytes');
      assert.ok(match.connected);
      assert.equal(match.entity, entity);
    });
  });
});

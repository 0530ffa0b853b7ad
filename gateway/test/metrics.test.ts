// The gateway's metrics (issue 12), read through the registry they are in while bots play against the real gateway
// over real sockets; and served at the admin endpoint by the gateway's own entry point.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Client } from '@colyseus/sdk';
import { ClientCloseCode, ClientErrorCode, createProtocolRegistry, Game, MATCH_ROOM } from '@packetflow/protocol';
import { metricSample } from '@packetflow/testing';
import { Histogram, Registry } from 'prom-client';
import { issueGuestToken } from '../src/index.js';
import {
  ackCount,
  ackEntity,
  ackSequence,
  PENDING_INPUTS,
  PendingInputs,
  snapshotAcks,
} from '../src/metrics/input-latency.js';
import { gatewayProcessBackend } from './support/gateway-process.js';
import { type InProcessBackend, inProcessBackend } from './support/in-process-backend.js';
import { eventually, guestToken, inputBytes, RawBot, until } from './support/raw-bot.js';

const maxInputBytes = 256;
const maxPayloadBytes = 1024;
/** Colyseus' frame of a byte message: its protocol code, then the type as a msgpack string. */
const SNAP_HEADER = 1 + 1 + 'snap'.length;

describe('gateway metrics', () => {
  let backend: InProcessBackend;
  const bots: RawBot[] = [];
  const join = async (options: { token?: string; roomId?: string } = {}) => {
    const bot = await RawBot.join(backend.url, { token: (await guestToken(backend.url)).token, ...options });
    bots.push(bot);
    return bot;
  };
  const read = (name: string, labels: Record<string, string> = {}, sampleName = name) =>
    metricSample(backend.metrics, name, { labels, sampleName });

  before(async () => {
    backend = await inProcessBackend({
      PACKETFLOW_MAX_INPUT_BYTES: String(maxInputBytes),
      PACKETFLOW_MAX_PAYLOAD_BYTES: String(maxPayloadBytes),
      PACKETFLOW_MATCH_SIZE: '4',
      PACKETFLOW_CUT_OFF_BAN_MS: '0',
    });
  });

  after(async () => {
    await Promise.allSettled(bots.map((bot) => bot.leave()));
    await backend.close();
  });

  it('exports every series from the start, labelled with the node', async () => {
    for (const name of [
      'packetflow_gateway_clients_connected',
      'packetflow_gateway_rooms_active',
      'packetflow_gateway_joins_total',
      'packetflow_gateway_inputs_total',
      'packetflow_gateway_snapshots_sent_total',
      'packetflow_gateway_sent_bytes_total',
      'packetflow_gateway_inputs_fast_path_total',
      'packetflow_gateway_input_bursts_total',
    ]) {
      const text = await backend.metrics.getSingleMetricAsString(name);
      assert.match(text, new RegExp(`^${name}\\{node="gateway-test"\\} 0$`, 'm'), text);
    }
    for (const code of ['4217', '4422', '4429']) {
      assert.equal(await read('packetflow_gateway_inputs_refused_total', { code }), 0, code);
    }
    for (const code of ['4400', '1009', '1007']) {
      assert.equal(await read('packetflow_gateway_clients_cut_off_total', { code }), 0, code);
    }
    for (const code of ['525', '522', '521', '526', '429', 'other']) {
      assert.equal(await read('packetflow_gateway_join_failures_total', { code }), 0, code);
    }
    const histogram = await backend.metrics.getSingleMetricAsString('packetflow_gateway_input_to_snapshot_seconds');
    assert.match(histogram, /_bucket\{le="0.033",node="gateway-test"\} 0/, histogram);
  });

  it('counts joins, inputs, snapshots and bytes, clients and rooms, and times inputs to their acknowledgement', async () => {
    const a = await join();
    const b = await join({ roomId: a.room.roomId });
    assert.equal(await read('packetflow_gateway_joins_total'), 2);
    assert.equal(await read('packetflow_gateway_clients_connected'), 2);
    assert.equal(await read('packetflow_gateway_rooms_active'), 1);

    let last = 0;
    for (let i = 0; i < 10; i++) {
      last = a.input(1, 0);
      b.input(0, 1);
    }
    await until(() => a.ackedSequence() === last && b.ackedSequence() === last, 'both bots acknowledged');
    assert.equal(await read('packetflow_gateway_inputs_total'), 20);
    // Every input came past Colyseus' dispatch, and went on in bursts shared by both bots' inputs.
    assert.equal(await read('packetflow_gateway_inputs_fast_path_total'), 20);
    const bursts = await read('packetflow_gateway_input_bursts_total');
    assert.ok(bursts >= 1 && bursts < 20, `20 inputs sent at once went in ${bursts} bursts`);
    // Every input was acknowledged by a snapshot the gateway sent before the bot saw it: each one timed, once.
    const timed = await read(
      'packetflow_gateway_input_to_snapshot_seconds',
      {},
      'packetflow_gateway_input_to_snapshot_seconds_count',
    );
    assert.equal(timed, 20);
    assert.ok(
      (await read(
        'packetflow_gateway_input_to_snapshot_seconds',
        {},
        'packetflow_gateway_input_to_snapshot_seconds_sum',
      )) > 0,
    );

    // Sent before received: the gateway has counted at least what the bots have.
    const received = a.snapshots.length + b.snapshots.length;
    const receivedBytes = a.snapshotBytes + b.snapshotBytes + SNAP_HEADER * received;
    assert.ok(received > 0);
    assert.ok((await read('packetflow_gateway_snapshots_sent_total')) >= received);
    const sentBytes = await read('packetflow_gateway_sent_bytes_total');
    assert.ok(sentBytes >= receivedBytes, `${sentBytes} bytes sent, ${receivedBytes} received`);

    const text = await backend.metrics.getSingleMetricAsString('packetflow_gateway_joins_total');
    assert.match(text, /^packetflow_gateway_joins_total\{node="gateway-test"\} 2$/m);
  });

  it('counts a refused join under its code, and HTTP requests by route and status', async () => {
    const guests = await read('packetflow_gateway_http_requests_total', { route: 'auth_guest', status: '200' });
    assert.ok(guests >= 2, 'every guest token so far');
    const before525 = await read('packetflow_gateway_join_failures_total', { code: '525' });
    const refused = await new Client(backend.url.replace('http', 'ws')).joinOrCreate(MATCH_ROOM).then(
      () => assert.fail('joined without a token'),
      (error: { code: number }) => error,
    );
    assert.equal(refused.code, 525);
    assert.equal(await read('packetflow_gateway_join_failures_total', { code: '525' }), before525 + 1);
    assert.equal(await read('packetflow_gateway_http_requests_total', { route: 'matchmake', status: '525' }), 1);
    const matchmade = await read('packetflow_gateway_http_requests_total', { route: 'matchmake', status: '200' });
    assert.ok(matchmade >= 2, 'the seat reservations so far');
    await fetch(`${backend.url}/nowhere`);
    assert.equal(await read('packetflow_gateway_http_requests_total', { route: 'other', status: '404' }), 1);

    // A seat reserved with a good token, and its WebSocket join refused for a forged one: the room's refusal.
    const { token } = await guestToken(backend.url);
    const reservation = await fetch(`${backend.url}/matchmake/create/${MATCH_ROOM}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: '{}',
    });
    assert.equal(reservation.status, 200);
    const client = new Client(backend.url.replace('http', 'ws'));
    client.auth.token = issueGuestToken('some-other-secret-0123456789', 60_000).token;
    const seat = (await reservation.json()) as Parameters<Client['consumeSeatReservation']>[0];
    await assert.rejects(client.consumeSeatReservation(seat), (error: { code: number }) => error.code === 525);
    assert.equal(await read('packetflow_gateway_join_failures_total', { code: '525' }), before525 + 2);
    assert.equal(await read('packetflow_gateway_http_requests_total', { route: 'matchmake', status: '525' }), 1);
  });

  it('counts refused inputs by the guard code, and a client cut off for a flood under 4400', async () => {
    const good = await join();
    const bad = await join({ roomId: good.room.roomId });
    bad.room.reconnection.enabled = false;
    bad.room.sendBytes('in', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    bad.room.sendBytes('in', new Uint8Array(maxInputBytes + 1));
    bad.room.sendBytes('in', inputBytes(5000, 0, 0));
    bad.room.send('chat', { text: 'hello' });
    await until(() => bad.errors.length >= 4, 'four errors');
    assert.equal(
      await read('packetflow_gateway_inputs_refused_total', { code: String(ClientErrorCode.InvalidPayload) }),
      3,
    );
    assert.equal(
      await read('packetflow_gateway_inputs_refused_total', { code: String(ClientErrorCode.BadSequence) }),
      1,
    );
    assert.equal(await read('packetflow_gateway_clients_cut_off_total', { code: '4400' }), 0);

    for (let i = 0; i < 400; i++) bad.input(0, 1);
    await until(() => bad.leftWith !== undefined, 'the flooding client cut off');
    assert.equal(bad.leftWith, ClientCloseCode.Misbehaving);
    assert.ok(
      (await read('packetflow_gateway_inputs_refused_total', { code: String(ClientErrorCode.RateLimited) })) >= 1,
    );
    assert.equal(await read('packetflow_gateway_clients_cut_off_total', { code: '4400' }), 1);
    await eventually(
      () => read('packetflow_gateway_clients_connected'),
      (clients) => clients === 3,
      'the cut-off client no longer connected',
    );
  });

  it('counts a client cut off for an oversized frame under 1009 and one for bad text under 1007', async () => {
    const big = await join();
    big.room.reconnection.enabled = false;
    big.raw(new Uint8Array(maxPayloadBytes + 100));
    await until(() => big.leftWith !== undefined, 'the oversized frame sender closed');
    await eventually(
      () => read('packetflow_gateway_clients_cut_off_total', { code: '1009' }),
      (count) => count === 1,
      'the 1009 cut-off counted',
    );
    const text = await join();
    text.room.reconnection.enabled = false;
    text.rawText(new Uint8Array([0xff, 0xfe, 0x41]));
    await until(() => text.leftWith !== undefined, 'the bad text sender closed');
    await eventually(
      () => read('packetflow_gateway_clients_cut_off_total', { code: '1007' }),
      (count) => count === 1,
      'the 1007 cut-off counted',
    );
  });

  it('reads the gauges down as clients leave and rooms go', async () => {
    assert.ok((await read('packetflow_gateway_clients_connected')) > 0);
    await Promise.allSettled(bots.map((bot) => bot.leave()));
    await eventually(
      () => read('packetflow_gateway_clients_connected'),
      (n) => n === 0,
      'no client connected',
    );
    await eventually(
      () => read('packetflow_gateway_rooms_active'),
      (n) => n === 0,
      'no room left',
    );
  });
});

describe('input-to-snapshot bookkeeping', () => {
  const registry = createProtocolRegistry();
  const encode = (acks: Game.InputAckT[]) =>
    registry.encode({ type: 'Snapshot', body: new Game.SnapshotT(42, acks, [], false, []) });

  it("reads a snapshot's acks from its bytes as the generated code does", () => {
    const acks = [new Game.InputAckT(1000, 7), new Game.InputAckT(1001, 0xffff_ffff), new Game.InputAckT(5, 0)];
    const bytes = encode(acks);
    const at = snapshotAcks(bytes);
    assert.ok(at >= 0);
    assert.equal(ackCount(bytes, at), 3);
    for (let i = 0; i < 3; i++) {
      assert.equal(ackEntity(bytes, at, i), acks[i]!.entity);
      assert.equal(ackSequence(bytes, at, i), acks[i]!.sequence);
    }
    const none = encode([]);
    const empty = snapshotAcks(none);
    assert.ok(empty < 0 || ackCount(none, empty) === 0, 'no acks');
  });

  it('times a prefix of pending inputs per ack, and keeps the oldest when full', async () => {
    const metrics = new Registry();
    const histogram = new Histogram({ name: 'h', help: 'h', buckets: [1], registers: [metrics] });
    const count = async () => (await histogram.get()).values.find((v) => v.metricName === 'h_count')!.value;
    const pending = new PendingInputs();
    for (let sequence = 1; sequence <= PENDING_INPUTS + 5; sequence++) pending.add(sequence, sequence);
    assert.equal(pending.size, PENDING_INPUTS, 'bounded');
    pending.acknowledged(0, 100, histogram);
    assert.equal(await count(), 0);
    pending.acknowledged(3, 100, histogram);
    assert.equal(await count(), 3);
    assert.equal(pending.size, PENDING_INPUTS - 3);
    pending.add(100, 100);
    pending.acknowledged(PENDING_INPUTS + 5, 1100, histogram);
    assert.equal(await count(), PENDING_INPUTS, 'the ones kept, not those dropped when full');
    assert.equal(pending.size, 1);
    pending.clear();
    pending.acknowledged(1000, 1200, histogram);
    assert.equal(await count(), PENDING_INPUTS);
  });
});

/** Whether a TCP connection to `url`'s port is accepted now. */
function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the gateway process', () => {
  it('answers /readyz ready only while its port takes players', async () => {
    const backend = await gatewayProcessBackend({ admin: true });
    try {
      await backend.killGateway();
      let started = false;
      const restart = backend.startGateway().then(() => {
        started = true;
      });
      // From the spawn on: the admin endpoint comes up before the cluster join, the join before Colyseus listens.
      const answers: string[] = [];
      let readyWhileClosed = 0;
      while (!started || answers.at(-1) !== '200') {
        const status = await fetch(`${backend.adminUrl}/readyz`).then(
          async (response) => `${response.status}${response.ok ? '' : ` ${(await response.text()).trim()}`}`,
          () => 'down',
        );
        if (status === '200' && !(await accepts(backend.url))) readyWhileClosed++;
        if (answers.at(-1) !== status) answers.push(status);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await restart;
      assert.equal(readyWhileClosed, 0, `ready while the gateway's port refused players; answers: ${answers}`);
      for (const answer of answers.slice(0, -1)) assert.match(answer, /^(down|503 .*(joining|not listening yet).*)$/);
    } finally {
      await backend.close();
    }
  });

  it('serves its metrics at the node admin endpoint, with the node metrics', async () => {
    const backend = await gatewayProcessBackend({ admin: true });
    try {
      const bot = await RawBot.join(backend.url, { token: (await guestToken(backend.url)).token });
      const sequence = bot.input(1, 0);
      await until(() => bot.ackedSequence() === sequence, 'the input acknowledged');
      const metrics = await eventually(
        async () => (await fetch(`${backend.adminUrl}/metrics`)).text(),
        (text) => /^packetflow_gateway_input_to_snapshot_seconds_count\{node="gateway"\} 1$/m.test(text),
        'the input timed',
      );
      assert.match(metrics, /^packetflow_gateway_joins_total\{node="gateway"\} 1$/m);
      assert.match(metrics, /^packetflow_gateway_clients_connected\{node="gateway"\} 1$/m);
      assert.match(metrics, /^packetflow_gateway_rooms_active\{node="gateway"\} 1$/m);
      assert.match(metrics, /^packetflow_gateway_inputs_total\{node="gateway"\} 1$/m);
      assert.match(metrics, /^# TYPE packetflow_actors_active gauge$/m, 'the node metrics beside them');
      await bot.leave();
    } finally {
      await backend.close();
    }
  });
});

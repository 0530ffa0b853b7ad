import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client, type Room } from '@colyseus/sdk';
import { BASELINE_ROOM, INPUT_MESSAGE } from '../src/baseline/names.js';
import { startBaselineProcess } from '../src/baseline/process.js';
import { PROP_COUNT } from '../src/baseline/simulation.js';
import { baselineDriver } from '../src/swarm/baseline-driver.js';
import { readRssKiB } from '../src/swarm/proc.js';
import { Swarm } from '../src/swarm/swarm.js';
import { until } from './support/until.js';

interface DecodedPlayer {
  lastSequence: number;
  x: number;
}
interface DecodedState {
  players: Map<string, DecodedPlayer>;
  props: { length: number };
}

function sendInputs(room: Room<unknown, DecodedState>, count: number, mx: number): void {
  for (let seq = 1; seq <= count; seq++) room.send(INPUT_MESSAGE, { seq, tick: seq, mx, my: 0, buttons: 0 });
}

test('two Colyseus SDK clients in one baseline room see each other’s inputs acknowledged', async (t) => {
  const server = await startBaselineProcess();
  // Stopping the server also ends both clients' connections.
  t.after(() => server.stop());
  assert.ok(readRssKiB(server.pid) > 0);

  const a = await new Client(server.endpoint).joinOrCreate<DecodedState>(BASELINE_ROOM, {});
  const b = await new Client(server.endpoint).joinOrCreate<DecodedState>(BASELINE_ROOM, {});
  assert.equal(a.roomId, b.roomId);

  sendInputs(a, 5, 1);
  sendInputs(b, 7, -1);
  const ack = (viewer: Room<unknown, DecodedState>, of: Room<unknown, DecodedState>) =>
    viewer.state.players.get(of.sessionId)?.lastSequence;
  await until(() => ack(a, b) === 7 && ack(b, a) === 5, 'each client to see the other’s last input applied');
  assert.equal(ack(a, a), 5);
  assert.equal(ack(b, b), 7);
  assert.equal(a.state.players.size, 2);
  assert.equal(a.state.props.length, PROP_COUNT);
  // Moved by the applied inputs, in opposite directions.
  assert.ok(a.state.players.get(a.sessionId)!.x !== b.state.players.get(b.sessionId)!.x);

  // Malformed and replayed inputs are refused, not applied.
  a.send(INPUT_MESSAGE, { seq: 'six', tick: 6, mx: 0, my: 0, buttons: 0 });
  a.send(INPUT_MESSAGE, { seq: 3, tick: 3, mx: 0, my: 0, buttons: 0 });
  a.send(INPUT_MESSAGE, { seq: 6, tick: 6, mx: Number.NaN, my: 0, buttons: 0 });
  await until(async () => (await server.stats()).inputsRejected === 3, 'the server to refuse three inputs');
  assert.equal(ack(a, a), 5);
  const stats = await server.stats();
  assert.deepEqual({ rooms: stats.rooms, clients: stats.clients }, { rooms: 1, clients: 2 });
});

test('a swarm over two bot processes joins, gets acks for its inputs, shrinks and closes', async (t) => {
  const server = await startBaselineProcess();
  const swarm = await Swarm.start({ driver: baselineDriver, endpoint: server.endpoint, processes: 2 });
  t.after(async () => {
    await swarm.close();
    await server.stop();
  });

  const grown = await swarm.resize(9);
  assert.equal(grown.bots, 9);
  assert.equal(grown.counters.joins, 9);
  assert.equal(grown.counters.joinFailures, 0);
  const stats = await server.stats();
  // Join-or-create fills rooms of 8.
  assert.deepEqual({ rooms: stats.rooms, clients: stats.clients }, { rooms: 2, clients: 9 });

  await swarm.reset();
  let report = await swarm.report();
  await until(async () => {
    report = await swarm.report();
    return report.latency.count >= 50;
  }, 'fifty acknowledged inputs');
  assert.ok(report.counters.snapshots > 0);
  assert.ok(report.counters.inputsSent > 0);
  assert.equal(report.counters.disconnects, 0);
  assert.ok(report.latency.percentileMs(0.5) > 0);
  assert.equal(report.processCpuMs.length, 2);

  const shrunk = await swarm.resize(3);
  assert.equal(shrunk.bots, 3);
  await until(async () => (await server.stats()).clients === 3, 'the server to see six bots leave');
  await swarm.close();
});

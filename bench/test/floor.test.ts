import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { floorDriver } from '../src/floor/driver.js';
import { startFloorProcess } from '../src/floor/process.js';
import { ackOf, encodeInput, ROOM_SIZE, STATE_BYTES } from '../src/floor/wire.js';
import { Swarm } from '../src/swarm/swarm.js';
import { until } from './support/until.js';

function connect(url: string): Promise<{ socket: WebSocket; messages: Buffer[] }> {
  const socket = new WebSocket(url);
  const messages: Buffer[] = [];
  socket.on('message', (data: Buffer) => messages.push(data));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, messages }));
    socket.once('error', reject);
  });
}

test('the floor sends each client 300-byte messages echoing its last input, and refuses what is not an input', async (t) => {
  const floor = await startFloorProcess();
  t.after(() => floor.stop());
  const url = floor.endpoint.replace(/^http/, 'ws');
  const a = await connect(url);
  const b = await connect(url);
  t.after(() => {
    a.socket.terminate();
    b.socket.terminate();
  });

  a.socket.send(encodeInput(7, 1, 0));
  a.socket.send(encodeInput(5, 0, 1));
  b.socket.send(encodeInput(3, 0, 0));
  const lastAck = (messages: Buffer[]) => (messages.length > 0 ? ackOf(messages.at(-1)!) : undefined);
  await until(() => lastAck(a.messages) === 7 && lastAck(b.messages) === 3, 'each client’s ack');
  for (const message of [...a.messages, ...b.messages]) assert.equal(message.byteLength, STATE_BYTES);
  assert.equal(lastAck(a.messages), 7, 'an older sequence does not move the ack back');

  a.socket.send(Buffer.from('not input'));
  a.socket.send(new Uint8Array(0));
  await until(async () => (await floor.stats()).rejected === 2, 'two refused messages');
  const seen = a.messages.length;
  await until(() => a.messages.length > seen, 'messages to keep coming after bad input');
  assert.deepEqual(await floor.stats(), { clients: 2, rooms: 1, rejected: 2 });
});

test('a swarm of floor bots fills rooms of 8 and gets every input acknowledged', async (t) => {
  const floor = await startFloorProcess();
  t.after(() => floor.stop());
  const swarm = await Swarm.start({ driver: floorDriver, endpoint: floor.endpoint, processes: 2 });
  t.after(() => swarm.close());
  const joined = await swarm.resize(ROOM_SIZE + 1);
  assert.equal(joined.bots, ROOM_SIZE + 1);
  assert.equal(joined.counters.joinFailures, 0);
  assert.deepEqual(await floor.stats(), { clients: ROOM_SIZE + 1, rooms: 2, rejected: 0 });
  await swarm.reset();
  await until(async () => (await swarm.report()).counters.inputsAcked >= 50, 'inputs acknowledged');
  const window = await swarm.report();
  assert.equal(window.counters.disconnects, 0);
  assert.ok(window.counters.snapshots > 0);
  await swarm.resize(0);
  await until(async () => (await floor.stats()).rooms === 0, 'emptied rooms to stop');
});

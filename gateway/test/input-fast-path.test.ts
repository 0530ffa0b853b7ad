import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Client, ClientState, getMessageBytes, Protocol } from '@colyseus/core';
import { ClientMessage } from '@packetflow/protocol';
import { InputFastPath } from '../src/transport/input-fast-path.js';

/** A Colyseus client as the uWS transport makes it, as far as the fast path reads it: its state and its socket. */
function clientOn(socket: object): Client {
  return { ref: { ws: socket }, state: ClientState.JOINED } as unknown as Client;
}

const frame = (type: string | number, body: number[], code: Protocol = Protocol.ROOM_DATA_BYTES): ArrayBuffer => {
  const bytes = getMessageBytes.raw(code, type, undefined, new Uint8Array(body));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
};

describe('InputFastPath', () => {
  it("gives a routed socket's input frames to its room, body only", () => {
    const path = new InputFastPath(ClientMessage.Input);
    const socket = {};
    const received: number[][] = [];
    path.route(clientOn(socket), (bytes) => received.push([...bytes]));
    assert.equal(path.take(socket, frame(ClientMessage.Input, [1, 2, 3])), true);
    assert.deepEqual(received, [[1, 2, 3]]);
    assert.equal(path.take(socket, frame(ClientMessage.Input, [])), true, 'an empty body is the guard’s to refuse');
    assert.deepEqual(received, [[1, 2, 3], []]);
    assert.equal(path.routed, 2);
  });

  it('leaves every other frame to Colyseus: other types, other protocol codes, short frames, unrouted sockets', () => {
    const path = new InputFastPath(ClientMessage.Input);
    const socket = {};
    const received: number[][] = [];
    path.route(clientOn(socket), (bytes) => received.push([...bytes]));
    assert.equal(path.take(socket, frame('inx', [1])), false, 'a longer type sharing the prefix');
    assert.equal(path.take(socket, frame('i', [1])), false);
    assert.equal(path.take(socket, frame(7, [1])), false, 'a numeric type');
    assert.equal(path.take(socket, frame(ClientMessage.Input, [1], Protocol.ROOM_DATA)), false, 'msgpack data');
    assert.equal(path.take(socket, new ArrayBuffer(0)), false);
    assert.equal(path.take(socket, new Uint8Array([Protocol.ROOM_DATA_BYTES]).buffer), false);
    assert.equal(path.take({}, frame(ClientMessage.Input, [1])), false, 'a socket no room routed');
    assert.deepEqual(received, []);
    assert.equal(path.routed, 0);
  });

  it('stops routing a client that is leaving, or that its room forgot', () => {
    const path = new InputFastPath(ClientMessage.Input);
    const socket = {};
    const client = clientOn(socket);
    let calls = 0;
    path.route(client, () => calls++);
    (client as { state: ClientState }).state = ClientState.LEAVING;
    assert.equal(path.take(socket, frame(ClientMessage.Input, [1])), false);
    (client as { state: ClientState }).state = ClientState.JOINED;
    path.forget(client);
    assert.equal(path.take(socket, frame(ClientMessage.Input, [1])), false);
    assert.equal(calls, 0);
  });

  it('forgetting a replaced client keeps the route of the one that took its socket over', () => {
    const path = new InputFastPath(ClientMessage.Input);
    const socket = {};
    const old = clientOn(socket);
    const taking = clientOn(socket);
    let calls = 0;
    path.route(old, () => {});
    path.route(taking, () => calls++);
    path.forget(old);
    assert.equal(path.take(socket, frame(ClientMessage.Input, [1])), true);
    assert.equal(calls, 1);
  });
});

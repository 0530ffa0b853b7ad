import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  BatchCodec,
  createProtocolRegistry,
  ErrorCode,
  FrameReader,
  Game,
  type MessageRegistry,
  type Packet,
  PacketFlags,
  type PlayerStatsMessage,
} from '@packetflow/protocol';
import {
  ActorStoppedError,
  ActorSystem,
  HandlerError,
  PacketEndpoint,
  PacketRefusedError,
  UnknownKindError,
  UnknownMessageError,
} from '../src/index.js';
import { scorer } from './fixtures/scorer.js';
import { recordingLogger, waitFor } from './helpers.js';

const input = (sequence: number) => ({
  type: 'ClientInput' as const,
  body: new Game.ClientInputT(sequence, 100 + sequence, new Game.Vec2T(1, 0), new Game.Vec2T(0, 0), 2),
});

function registry(): MessageRegistry {
  return createProtocolRegistry().registerEmpty('Touch').registerEmpty('Fail');
}

/** Two systems joined by endpoints whose packets go through real frames: encoded, verified, decoded. */
async function pair() {
  const codec = new BatchCodec();
  const wire = (to: () => PacketEndpoint) => (packet: Packet) => {
    const decoded = codec.decodeFrame(codec.encodeFrame([packet]));
    assert.ok(decoded.ok);
    queueMicrotask(() => to().receive(decoded.value[0]!));
  };
  const host = await ActorSystem.start({ nodeId: 'host', logger: recordingLogger() });
  host.register('scorer', scorer);
  const caller = await ActorSystem.start({ nodeId: 'caller' });
  const logger = recordingLogger();
  const hostEnd: PacketEndpoint = new PacketEndpoint(host, {
    registry: registry(),
    send: wire(() => callerEnd),
    logger,
  });
  const callerEnd: PacketEndpoint = new PacketEndpoint(caller, { registry: registry(), send: wire(() => hostEnd) });
  return { host, caller, hostEnd, callerEnd, logger };
}

describe('PacketEndpoint', () => {
  test('the same handler answers a local send and a packet with equal replies', async () => {
    const { host, callerEnd } = await pair();
    const local = await host.send<PlayerStatsMessage>(host.ref('scorer', 'local'), input(5));
    const remote = await callerEnd.ask<PlayerStatsMessage>({ kind: 'scorer', id: 'remote' }, input(5));
    assert.equal(remote.type, 'PlayerStats');
    assert.deepEqual({ ...remote.body, playerId: 'x' }, { ...local.body, playerId: 'x' });
    assert.equal(remote.body.playerId, 'remote');
    assert.equal(remote.body.score, 5);
  });

  test('tells arrive in order; a handler returning nothing is answered with an Ack', async () => {
    const { host, callerEnd } = await pair();
    for (let i = 1; i <= 50; i++) callerEnd.tell({ kind: 'scorer', id: 'p' }, input(i));
    assert.equal(await callerEnd.ask({ kind: 'scorer', id: 'p' }, { type: 'Touch' }), undefined);
    const stats = await host.send<PlayerStatsMessage>(host.ref('scorer', 'p'), input(51));
    assert.equal(stats.body.matches, 51, 'every tell was handled before the ask behind it');
  });

  test('failures come back as the typed errors a local ask would give', async () => {
    const { callerEnd } = await pair();
    await assert.rejects(callerEnd.ask({ kind: 'scorer', id: 'p' }, { type: 'Fail' }), (error: unknown) => {
      assert.ok(error instanceof HandlerError);
      assert.match(error.message, /scorer refused/);
      assert.equal(error.message.split('failed handling').length, 2, `said once: ${error.message}`);
      return true;
    });
    await assert.rejects(callerEnd.ask({ kind: 'nobody', id: 'p' }, input(1)), UnknownKindError);
    await assert.rejects(callerEnd.ask({ kind: 'scorer', id: 'host:999', node: 'host' }, input(1)), ActorStoppedError);
    await assert.rejects(callerEnd.ask({ kind: 'scorer', id: 'p', node: 'elsewhere' }, input(1)), (error: unknown) => {
      assert.ok(error instanceof PacketRefusedError);
      assert.equal(error.errorCode, ErrorCode.Unavailable);
      return true;
    });
  });

  test('a message type the actor has no handler for is refused with UnknownMessage', async () => {
    const { callerEnd } = await pair();
    const stats = { type: 'PlayerStats', body: new Game.PlayerStatsT('p', 1, 1, 1) };
    await assert.rejects(callerEnd.ask({ kind: 'scorer', id: 'p' }, stats), UnknownMessageError);
  });

  test('a malformed or invalid body is refused and never reaches the actor', async () => {
    const { host, hostEnd, logger } = await pair();
    const replies: Packet[] = [];
    const probe = new PacketEndpoint(host, { registry: registry(), send: (p) => replies.push(p) });
    const body = registry().encode(input(9));
    const corrupt = body.slice();
    corrupt[0] = 0xff;
    const nan = registry().encode({
      type: 'ClientInput',
      body: new Game.ClientInputT(9, 0, new Game.Vec2T(Number.NaN, 0)),
    });
    const ask = (b: Uint8Array, id: number): Packet => ({
      target: { kind: 'scorer', id: 'victim' },
      sender: { kind: 'endpoint', id: 'x', node: 'x' },
      type: 'ClientInput',
      correlationId: id,
      flags: PacketFlags.Ask,
      ttlMs: 1000,
      body: b,
    });
    probe.receive(ask(corrupt, 1));
    probe.receive(ask(nan, 2));
    probe.receive({ ...ask(body, 3), sender: undefined });
    hostEnd.receive({ ...ask(corrupt, 4), flags: 0 });
    assert.deepEqual(
      replies.map((p) => [p.correlationId, p.flags, p.type]),
      [
        [1, PacketFlags.Reply | PacketFlags.Error, 'Error'],
        [2, PacketFlags.Reply | PacketFlags.Error, 'Error'],
      ],
    );
    const codes = replies.map((p) => {
      const decoded = registry().decode('Error', p.body);
      assert.ok(decoded.ok);
      return (decoded.value.body as { code: number }).code;
    });
    assert.deepEqual(codes, [ErrorCode.MalformedPacket, ErrorCode.InvalidArgument]);
    assert.equal(probe.stats.refused, 3);
    assert.equal(hostEnd.stats.refused, 1);
    assert.equal(logger.warnings.length, 1);
    assert.equal(host.activeActors, 0, 'no refused packet activated the actor');
  });

  test('a reply after the deadline is dropped and counted', async () => {
    const sent: Packet[] = [];
    const system = await ActorSystem.start({ nodeId: 'late' });
    const end = new PacketEndpoint(system, { registry: registry(), send: (p) => sent.push(p) });
    await assert.rejects(end.ask({ kind: 'scorer', id: 'p' }, input(1), { timeoutMs: 20 }), { code: 'ask_timeout' });
    const ask = sent[0]!;
    assert.equal(ask.flags, PacketFlags.Ask);
    assert.equal(ask.ttlMs, 20);
    end.receive({ ...ask, target: ask.sender!, type: 'Ack', flags: PacketFlags.Reply, body: new Uint8Array(0) });
    assert.equal(end.stats.lateReplies, 1);
    assert.equal(end.stats.askTimeouts, 1);
  });

  test('a registry without the protocol messages is refused up front', async () => {
    const system = await ActorSystem.start();
    const { MessageRegistry } = await import('@packetflow/protocol');
    assert.throws(
      () => new PacketEndpoint(system, { registry: new MessageRegistry(), send: () => {} }),
      /createProtocolRegistry/,
    );
  });
});

describe('PacketEndpoint across processes', () => {
  let child: ChildProcessWithoutNullStreams;
  let endpoint: PacketEndpoint;
  const stderr: string[] = [];

  before(async () => {
    child = spawn(process.execPath, [join(import.meta.dirname, 'fixtures', 'remote-host.js')], { stdio: 'pipe' });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const codec = new BatchCodec();
    const system = await ActorSystem.start({ nodeId: 'parent' });
    endpoint = new PacketEndpoint(system, {
      registry: registry(),
      send: (packet) => child.stdin.write(codec.encodeFrame([packet])),
    });
    const reader = new FrameReader();
    child.stdout.on('data', (chunk: Buffer) =>
      reader.push(chunk, (payload) => {
        const decoded = codec.decodePayload(payload);
        assert.ok(decoded.ok);
        for (const packet of decoded.value) endpoint.receive(packet);
      }),
    );
  });

  after(async () => {
    child.stdin.end();
    await new Promise((resolve) => child.once('exit', resolve));
  });

  test('an actor in a child process answers asks and tells sent as frames over a pipe', async () => {
    for (let i = 1; i <= 100; i++) endpoint.tell({ kind: 'scorer', id: 'far' }, input(i));
    const stats = await endpoint.ask<PlayerStatsMessage>({ kind: 'scorer', id: 'far' }, input(101));
    assert.equal(stats.body.playerId, 'far');
    assert.equal(stats.body.matches, 101);
    assert.equal(stats.body.score, 101);
    await assert.rejects(endpoint.ask({ kind: 'scorer', id: 'far' }, { type: 'Fail' }), HandlerError);
    assert.equal(child.exitCode, null, 'the host process is still running');
  });

  test('a frame that fails verification is refused by the child, which carries on', async () => {
    const garbage = new Uint8Array(64).fill(0x41);
    new DataView(garbage.buffer).setUint32(0, 60, true);
    child.stdin.write(garbage);
    const stats = await endpoint.ask<PlayerStatsMessage>({ kind: 'scorer', id: 'far' }, input(102));
    assert.equal(stats.body.matches, 1, 'the actor answers, with the fresh state its restart after Fail gave it');
    assert.equal(stats.body.score, 102);
    await waitFor(() => /refused frame/.test(stderr.join('')), 'the child to report the refused frame');
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { BatchCodec, createProtocolRegistry, FrameReader, type Packet } from '@packetflow/protocol';
import { RedisServer } from '@packetflow/testing';
import { ActorError, ActorSystem, AskTimeoutError, Cluster, RedisMembership } from '../../src/index.js';
import {
  handshakePacket,
  isFailure,
  newNonce,
  PROTOCOL_VERSION,
  proofOf,
  readHandshake,
} from '../../src/transport/handshake.js';
import { type Bumped, bump, bumpRegistry } from '../fixtures/bump.js';
import { recordingLogger, waitFor } from '../helpers.js';
import { HostProcess } from './host-process.js';

const SECRET = 'processes-test-secret';
const ACTORS = 1000;
const ids = Array.from({ length: ACTORS }, (_, i) => `c-${i}`);

let redis: RedisServer;
let system: ActorSystem;
let client: Cluster;
const hosts = new Map<string, HostProcess>();
const cluster = `processes-${process.pid}`;

async function startHost(nodeId: string, secret = SECRET): Promise<HostProcess> {
  const host = await HostProcess.start({ NODE_ID: nodeId, SECRET: secret, REDIS_URL: redis.url, CLUSTER: cluster });
  hosts.set(nodeId, host);
  return host;
}

/** Every acknowledged bump, by the host that handled it. */
const acknowledged = new Map<string, number>();

/** Asks one actor, retrying what failed fast with a typed error (the actor's node went away); never a timeout. */
async function bumpWithRetry(id: string, attempts = 40): Promise<Bumped> {
  for (let attempt = 1; ; attempt++) {
    try {
      const reply = await system.send<Bumped>(system.ref('counter', id), bump(id), { timeoutMs: 5000 });
      const host = reply.body.playerId as string;
      acknowledged.set(host, (acknowledged.get(host) ?? 0) + 1);
      return reply;
    } catch (error) {
      assert.ok(!(error instanceof AskTimeoutError), `ask to ${id} waited for its deadline: ${error}`);
      assert.ok(error instanceof ActorError, `untyped failure: ${error}`);
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

async function bumpAll(): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (let from = 0; from < ids.length; from += 100) {
    const replies = await Promise.all(ids.slice(from, from + 100).map((id) => bumpWithRetry(id)));
    for (const [i, reply] of replies.entries()) owners.set(ids[from + i]!, reply.body.playerId as string);
  }
  return owners;
}

function liveIds(): string[] {
  return client
    .liveMembers()
    .map((m) => m.id)
    .sort();
}

describe('a cluster of real processes on a real redis-server', () => {
  before(async () => {
    redis = await RedisServer.start();
    await Promise.all(['host-a', 'host-b', 'host-c'].map((id) => startHost(id)));
    system = await ActorSystem.start({ nodeId: 'test-client', logger: recordingLogger() });
    const membership = new RedisMembership({
      url: redis.url,
      cluster,
      ttlMs: 1500,
      heartbeatMs: 300,
      fullReadMs: 300,
      logger: recordingLogger(),
    });
    client = await Cluster.join(system, {
      secret: SECRET,
      membership,
      roles: [],
      registry: bumpRegistry(),
      logger: recordingLogger(),
    });
    await waitFor(() => liveIds().join() === 'host-a,host-b,host-c,test-client', 'the client to link to all hosts');
  });

  after(async () => {
    await client?.leave();
    await Promise.all([...hosts.values()].map((host) => host.stop('SIGKILL')));
    await redis?.stop();
  });

  test('a thousand actors spread over three hosts all answer again after one host is SIGKILLed mid-traffic', async () => {
    const before = await bumpAll();
    const perHost = new Map<string, number>();
    for (const owner of before.values()) perHost.set(owner, (perHost.get(owner) ?? 0) + 1);
    assert.deepEqual([...perHost.keys()].sort(), ['host-a', 'host-b', 'host-c']);

    let traffic = true;
    let answeredDuringKill = 0;
    const background = (async () => {
      for (let i = 0; traffic; i++) {
        await bumpWithRetry(ids[i % ACTORS]!);
        answeredDuringKill++;
      }
    })();
    const movedId = ids.find((id) => before.get(id) === 'host-b')!;
    const killedAt = performance.now();
    await hosts.get('host-b')!.stop('SIGKILL');
    const first = await bumpWithRetry(movedId);
    const failoverMs = performance.now() - killedAt;
    assert.notEqual(first.body.playerId, 'host-b');

    const after = await bumpAll();
    traffic = false;
    await background;
    for (const [id, owner] of after) {
      assert.notEqual(owner, 'host-b', `${id} still answered from the killed host`);
      if (before.get(id) !== 'host-b') assert.equal(owner, before.get(id), `${id} moved although its host lived`);
    }
    assert.ok(answeredDuringKill > 0);
    console.log(`failover after SIGKILL: first answer from the new owner after ${failoverMs.toFixed(1)} ms`);
  });

  test('a clean leave (SIGTERM) loses no acknowledged message and fails nothing by deadline', async () => {
    const leaving = hosts.get('host-c')!;
    const onC = ids.filter((id) => client.ownerOf('counter', id) === 'host-c').slice(0, 200);
    let fromC = 0;
    let acked = 0;
    let stop = false;
    const senders = Array.from({ length: 20 }, async (_, worker) => {
      for (let i = worker; !stop; i += 20) {
        const reply = await bumpWithRetry(onC[i % onC.length]!);
        acked++;
        if (reply.body.playerId === 'host-c') fromC++;
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const leftAt = performance.now();
    const exit = leaving.stop('SIGTERM');
    await waitFor(() => !liveIds().includes('host-c'), 'the client to see the leave', 5000);
    const detectedMs = performance.now() - leftAt;
    assert.equal(await exit, 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop = true;
    await Promise.all(senders);
    const report = await leaving.waitFor((line) => 'left' in line);
    assert.equal(
      report.handled,
      acknowledged.get('host-c'),
      'every bump host-c ever handled was acknowledged to the client, and no more',
    );
    assert.ok(fromC > 0 && acked > fromC, `${fromC} answered by host-c, ${acked} in all`);
    for (const id of onC.slice(0, 20)) assert.notEqual((await bumpWithRetry(id)).body.playerId, 'host-c');
    console.log(`clean leave seen by the client after ${detectedMs.toFixed(1)} ms; ${acked} asks acknowledged`);
  });

  test('routing carries on while Redis restarts, and a host that joins afterwards is seen and used', async () => {
    await redis.kill();
    for (const id of ids.slice(0, 50))
      assert.equal((await bumpWithRetry(id)).body.playerId, client.ownerOf('counter', id));
    await redis.restart();
    await startHost('host-d');
    await waitFor(() => liveIds().includes('host-d'), 'the client to link to host-d', 10_000);
    const owners = await bumpAll();
    assert.ok([...owners.values()].includes('host-d'), 'host-d owns some actors');
    assert.ok(!liveIds().includes('host-b') && !liveIds().includes('host-c'));
  });

  test('a member without the secret never joins routing and receives no packet', async () => {
    const impostor = await startHost('host-x', 'wrong-secret');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.ok(!liveIds().includes('host-x'), 'the impostor is not routed to');
    const owners = await bumpAll();
    assert.ok(![...owners.values()].includes('host-x'));
    await waitFor(() => /could not prove the cluster secret/.test(impostor.stderr.join('')), 'the impostor to log why');
  });

  describe('hostile peers at the TCP port', () => {
    let target: HostProcess;
    let address: [string, number];

    before(() => {
      target = hosts.get('host-a')!;
      const [host, port] = String(target.lines.find((l) => 'ready' in l)!.ready).split(':');
      address = [host!, Number(port)];
    });

    async function session(script: (socket: Socket, frames: Packet[][]) => Promise<void>): Promise<void> {
      const socket = connect({ host: address[0], port: address[1] });
      const frames: Packet[][] = [];
      const reader = new FrameReader(4096);
      const codec = new BatchCodec();
      socket.on('data', (chunk: Buffer) =>
        reader.push(chunk, (payload) => {
          const decoded = codec.decodePayload(payload);
          if (decoded.ok) frames.push(decoded.value);
        }),
      );
      socket.on('error', () => {});
      const closed = new Promise((resolve) => socket.once('close', resolve));
      await script(socket, frames);
      await closed;
    }

    async function stillServes(): Promise<void> {
      const reply = await bumpWithRetry(ids.find((id) => client.ownerOf('counter', id) === 'host-a')!);
      assert.equal(reply.body.playerId, 'host-a');
    }

    test('random bytes are dropped with a log line, and the host carries on', async () => {
      await session(async (socket) => {
        socket.write(randomBytes(256));
      });
      await waitFor(() => /dropped connection from unauthenticated peer/.test(target.stderr.join('')), 'the log line');
      await stillServes();
    });

    test('a wrong proof and another protocol version are refused before any packet is read', async () => {
      const registry = createProtocolRegistry();
      const codec = new BatchCodec();
      const pwned = Array.from({ length: 100 }, (_, i) => `pwned-${i}`).find(
        (id) => client.ownerOf('counter', id) === 'host-a',
      )!;
      for (const [identity, secret, expected] of [
        [{ nodeId: 'mallory', roles: [] }, 'not-the-secret', /mallory could not prove the cluster secret/],
        [{ nodeId: 'mallory-2', roles: [] }, SECRET, new RegExp(`speaks protocol version ${PROTOCOL_VERSION + 1}`)],
      ] as const) {
        await session(async (socket, frames) => {
          await waitFor(() => frames.length === 1, 'the hello');
          const hello = readHandshake(registry, frames[0]!);
          assert.ok(!isFailure(hello));
          const nonce = newNonce();
          const proof = proofOf(new TextEncoder().encode(secret), 'dialer', {
            acceptorId: hello.nodeId,
            acceptorNonce: hello.nonce,
            dialerId: identity.nodeId,
            dialerNonce: nonce,
          });
          const packet = handshakePacket(registry, identity, nonce, proof);
          if (expected.source.includes('version')) {
            const body = registry.decode('Handshake', packet.body);
            assert.ok(body.ok);
            (body.value.body as { protocolVersion: number }).protocolVersion = PROTOCOL_VERSION + 1;
            packet.body = registry.encode(body.value);
          }
          socket.write(codec.encodeFrame([packet]));
          socket.write(codec.encodeFrame([{ ...packet, type: 'Bump', target: { kind: 'counter', id: pwned } }]));
        });
        await waitFor(() => expected.test(target.stderr.join('')), `the log line ${expected}`);
      }
      const probe = await bumpWithRetry(pwned);
      assert.equal(probe.body.matches, 1, 'the smuggled packet never reached the actor');
      await stillServes();
    });
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BatchCodec, FrameReader, type Packet, System } from '@packetflow/protocol';

const { ErrorCode } = System;

import { ActorSystem, Cluster, type MemberInfo, StaticMembership } from '../../src/index.js';
import {
  handshakePacket,
  isFailure,
  newNonce,
  type PeerHandshake,
  PROTOCOL_VERSION,
  proofOf,
  readHandshake,
  type Transcript,
} from '../../src/transport/handshake.js';
import { type Bumped, bump, bumpRegistry, counter, freePort } from '../fixtures/bump.js';
import { recordingLogger, waitFor } from '../helpers.js';

const SECRET = 'handshake-test-secret';
const secretBytes = (secret: string) => new TextEncoder().encode(secret);
const registry = bumpRegistry();
const codec = new BatchCodec();

interface Node {
  id: string;
  system: ActorSystem;
  cluster: Cluster;
  logger: ReturnType<typeof recordingLogger>;
  port: number;
}

/** A raw TCP peer speaking the frames by hand: what an attacker (or another implementation) sees and sends. */
class RawPeer {
  readonly frames: Packet[][] = [];
  readonly closed: Promise<void>;
  isClosed = false;
  private readonly reader = new FrameReader(1024 * 1024);

  constructor(readonly socket: Socket) {
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) =>
      this.reader.push(chunk, (payload) => {
        const decoded = codec.decodePayload(payload);
        if (decoded.ok) this.frames.push(decoded.value);
      }),
    );
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        resolve();
      }),
    );
  }

  static dial(port: number): RawPeer {
    return new RawPeer(connect({ host: '127.0.0.1', port }));
  }

  async frame(index: number): Promise<Packet[]> {
    await waitFor(() => this.frames.length > index, `frame ${index + 1} from the node`);
    return this.frames[index]!;
  }

  async hello(index = 0): Promise<PeerHandshake> {
    const read = readHandshake(registry, await this.frame(index));
    assert.ok(!isFailure(read), isFailure(read) ? read.reason : '');
    return read;
  }

  /** The reason of the Error the node sent before closing, once it has closed. */
  async refusal(): Promise<string> {
    await waitFor(() => this.isClosed, 'the node to refuse and close the connection');
    const last = this.frames.at(-1);
    assert.ok(last !== undefined && last[0]!.type === 'Error', 'the node sent a refusal before closing');
    const refusal = registry.decode('Error', last[0]!.body);
    assert.ok(refusal.ok);
    const body = refusal.value.body as System.ErrorT;
    assert.equal(body.code, ErrorCode.Unauthorized);
    return String(body.message);
  }

  send(packets: Packet[]): void {
    this.socket.write(codec.encodeFrame(packets));
  }
}

/**
 * Listens where a listed member that is not running should be. The node keeps redialing it, so connections pile up
 * and time out; `next` hands the test the newest one still open.
 */
async function squat(port: number): Promise<{ server: Server; next: () => Promise<RawPeer> }> {
  let waiting: RawPeer[] = [];
  const server = createServer((socket) => waiting.push(new RawPeer(socket)));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    server,
    next: async () => {
      await waitFor(() => waiting.some((peer) => !peer.isClosed), 'a node to dial the squatted port');
      const newest = waiting.filter((peer) => !peer.isClosed).at(-1)!;
      for (const peer of waiting) if (peer !== newest) peer.socket.destroy();
      waiting = [];
      return newest;
    },
  };
}

function linked(node: Node, id: string): boolean {
  return node.cluster.liveMembers().some((member) => member.id === id);
}

function transcript(
  acceptor: PeerHandshake | string,
  acceptorNonce: Uint8Array,
  dialerId: string,
  dialerNonce: Uint8Array,
): Transcript {
  return {
    acceptorId: typeof acceptor === 'string' ? acceptor : acceptor.nodeId,
    acceptorNonce,
    dialerId,
    dialerNonce,
  };
}

function tellBump(id: string): Packet {
  return {
    target: { kind: 'counter', id },
    type: 'Bump',
    correlationId: 0,
    flags: 0,
    ttlMs: 0,
    body: registry.encode(bump(id)),
  };
}

describe('the cluster handshake', () => {
  const ids = ['a', 'b', 'client'];
  let ports: number[];
  let members: MemberInfo[];
  const nodes = new Map<string, Node>();
  let squatter: Awaited<ReturnType<typeof squat>>;

  async function startNode(id: string, options: { secret?: string; listed?: MemberInfo[] } = {}): Promise<Node> {
    const logger = recordingLogger();
    const system = await ActorSystem.start({ nodeId: id, logger });
    system.register('counter', counter(id));
    // Only a lists `client`, so that every connection to the squatted port is a's.
    const listed = options.listed ?? (id === 'b' ? members.filter((m) => m.id !== 'client') : members);
    const self = listed.find((m) => m.id === id)!;
    const cluster = await Cluster.join(system, {
      secret: options.secret ?? SECRET,
      membership: new StaticMembership(listed),
      port: Number(self.address.split(':')[1]),
      roles: self.roles,
      registry: bumpRegistry(),
      logger,
      handshakeTimeoutMs: 1000,
      reconnect: { baseMs: 50, maxMs: 300 },
    });
    return { id, system, cluster, logger, port: Number(self.address.split(':')[1]) };
  }

  /** A counter id that `owner` hosts, as seen from `from`. */
  function idOwnedBy(from: Node, owner: string, prefix: string): string {
    return Array.from({ length: 200 }, (_, i) => `${prefix}-${i}`).find(
      (id) => from.cluster.ownerOf('counter', id) === owner,
    )!;
  }

  async function bumps(from: Node, id: string): Promise<number> {
    const reply = await from.system.send<Bumped>(from.system.ref('counter', id), bump(id), { timeoutMs: 3000 });
    return reply.body.matches;
  }

  before(async () => {
    ports = await Promise.all(ids.map(() => freePort()));
    // `client` is listed but never started, like the README's example member: its port is free for anyone.
    members = ids.map((id, i) => ({
      id,
      roles: id === 'client' ? [] : ['counter'],
      address: `127.0.0.1:${ports[i]}`,
      startedAt: 0,
    }));
    squatter = await squat(ports[2]!);
    for (const id of ['a', 'b']) nodes.set(id, await startNode(id));
    const [a, b] = [nodes.get('a')!, nodes.get('b')!];
    await waitFor(() => linked(a, 'b') && linked(b, 'a'), 'a and b to link');
  });

  after(async () => {
    for (const node of nodes.values()) await node.cluster.close();
    squatter.server.close();
  });

  test('PROTOCOL.md states the proofs of its example, and they are what the code computes', () => {
    const protocolMd = readFileSync(
      join(dirname(fileURLToPath(import.meta.resolve('@packetflow/protocol'))), '..', '..', 'PROTOCOL.md'),
      'utf8',
    );
    const example: Transcript = {
      acceptorId: 'physics-1',
      acceptorNonce: Uint8Array.from({ length: 32 }, (_, i) => i),
      dialerId: 'gateway-1',
      dialerNonce: Uint8Array.from({ length: 32 }, (_, i) => 0x20 + i),
    };
    const secret = secretBytes('change-me-16-chars-or-more');
    for (const direction of ['dialer', 'acceptor'] as const) {
      const hex = Buffer.from(proofOf(secret, direction, example)).toString('hex');
      assert.ok(protocolMd.includes(hex), `PROTOCOL.md §7 gives the ${direction}'s proof ${hex}`);
    }
  });

  test('a relay is refused: a squatter dialed by a cannot log into b as a with the proof a made for it', async () => {
    const [a, b] = [nodes.get('a')!, nodes.get('b')!];
    const target = idOwnedBy(a, 'b', 'relay');
    const fromA = await squatter.next();
    const toB = RawPeer.dial(b.port);
    const bHello = await toB.hello();
    // Offer a the nonce b just sent, as the member a meant to dial.
    fromA.send([handshakePacket(registry, { nodeId: 'client', roles: [] }, bHello.nonce, undefined)]);
    const aProof = await fromA.hello();
    assert.equal(aProof.nodeId, 'a');
    // Log into b as a with a's answer: under the old proof, HMAC(b's nonce ‖ "a"), b took it.
    toB.send([handshakePacket(registry, { nodeId: 'a', roles: ['counter'] }, aProof.nonce, aProof.proof)]);
    toB.send([tellBump(target), tellBump(target), tellBump(target)]);
    assert.equal(await toB.refusal(), 'a could not prove the cluster secret');
    await waitFor(
      () => b.logger.warnings.some((w) => /unauthenticated peer .*: a could not prove the cluster secret/.test(w)),
      'b to log the refusal',
    );
    fromA.socket.destroy();
    assert.equal(await bumps(a, target), 1, 'no forged tell reached the actor on b');
  });

  test("own-id reflection is refused: a's proof to a squatter does not log into a as a", async () => {
    const a = nodes.get('a')!;
    const target = idOwnedBy(a, 'a', 'reflect');
    const fromA = await squatter.next();
    const toA = RawPeer.dial(a.port);
    const aHello = await toA.hello();
    fromA.send([handshakePacket(registry, { nodeId: 'client', roles: [] }, aHello.nonce, undefined)]);
    const aProof = await fromA.hello();
    toA.send([handshakePacket(registry, { nodeId: 'a', roles: ['counter'] }, aProof.nonce, aProof.proof)]);
    toA.send([tellBump(target)]);
    assert.match(await toA.refusal(), /^a could not prove the cluster secret$/);
    fromA.socket.destroy();
    assert.equal(await bumps(a, target), 1, 'no forged tell reached the actor');
  });

  for (const [name, claimed, expected] of [
    ["a peer that knows the secret but claims the node's own id", 'a', "a claims this node's own id"],
    ['an id static membership does not list', 'zed', 'zed is not a listed member'],
    ['a second link claiming an id that is connected', 'b', 'b is already connected'],
  ] as const) {
    test(`${name} is refused with the reason on both sides`, async () => {
      const a = nodes.get('a')!;
      const target = idOwnedBy(a, 'a', `claim-${claimed}`);
      const peer = RawPeer.dial(a.port);
      const hello = await peer.hello();
      const nonce = newNonce();
      const proof = proofOf(secretBytes(SECRET), 'dialer', transcript(hello, hello.nonce, claimed, nonce));
      peer.send([handshakePacket(registry, { nodeId: claimed, roles: ['counter'] }, nonce, proof)]);
      peer.send([tellBump(target)]);
      assert.equal(await peer.refusal(), expected);
      await waitFor(() => a.logger.warnings.some((w) => w.endsWith(`: ${expected}`)), "a's log line");
      assert.equal(await bumps(a, target), 1, 'nothing the refused peer sent reached the actor');
    });
  }

  test('the connected b is still linked after the claims of its id', async () => {
    const [a, b] = [nodes.get('a')!, nodes.get('b')!];
    assert.ok(linked(a, 'b'));
    const target = idOwnedBy(b, 'a', 'still');
    assert.equal(await bumps(b, target), 1);
  });

  test('a real node that is not listed is refused, and both nodes log why', async () => {
    const a = nodes.get('a')!;
    const zedPort = await freePort();
    const zed = await startNode('zed', {
      listed: [members[0]!, { id: 'zed', roles: [], address: `127.0.0.1:${zedPort}`, startedAt: 0 }],
    });
    nodes.set('zed', zed);
    await waitFor(
      () => zed.logger.warnings.some((w) => w.includes('refused: refused by the peer: zed is not a listed member')),
      "zed's log line",
    );
    assert.ok(a.logger.warnings.some((w) => w.endsWith(': zed is not a listed member')));
    assert.ok(!linked(zed, 'a'));
    await zed.cluster.close();
    nodes.delete('zed');
  });

  test('a member with the wrong secret is refused in frame 2 and in frame 3, and each side logs why', async () => {
    const a = nodes.get('a')!;
    squatter.server.close();
    const liar = await startNode('client', { secret: 'not-the-cluster-secret' });
    nodes.set('client', liar);
    // liar dials a: a refuses its proof (frame 2). a dials liar: liar refuses a's proof, a learns it in frame 3's place.
    await waitFor(
      () =>
        a.logger.warnings.some((w) => w.endsWith('client could not prove the cluster secret')) &&
        liar.logger.warnings.some((w) => w.includes('refused: refused by the peer: client could not prove')) &&
        liar.logger.warnings.some((w) => w.endsWith(': a could not prove the cluster secret')) &&
        a.logger.warnings.some((w) => w.includes('refused: refused by the peer: a could not prove the cluster secret')),
      'both refusals logged on both sides',
    );
    assert.ok(!linked(a, 'client'));
    await liar.cluster.close();
    nodes.delete('client');
    squatter = await squat(ports[2]!);
  });

  test('the dialer refuses a frame 3 without the nonce of frame 1, or of another version, and says so', async () => {
    const a = nodes.get('a')!;
    const cases: [string, (hello: System.HandshakeT) => void, RegExp][] = [
      ['another nonce', (hello) => (hello.nonce = [...newNonce()]), /the nonce of frame 3 is not the one of frame 1/],
      ['no nonce', (hello) => (hello.nonce = []), /nonce of 0 bytes, expected 32/],
      [
        'another version',
        (hello) => (hello.protocolVersion = PROTOCOL_VERSION + 1),
        new RegExp(`speaks protocol version ${PROTOCOL_VERSION + 1}`),
      ],
    ];
    for (const [what, spoil, expected] of cases) {
      const fromA = await squatter.next();
      const nonce = newNonce();
      fromA.send([handshakePacket(registry, { nodeId: 'client', roles: [] }, nonce, undefined)]);
      const dialer = await fromA.hello();
      const proof = proofOf(secretBytes(SECRET), 'acceptor', transcript('client', nonce, 'a', dialer.nonce));
      const third = registry.decode(
        'Handshake',
        handshakePacket(registry, { nodeId: 'client', roles: [] }, nonce, proof).body,
      );
      assert.ok(third.ok);
      spoil(third.value.body as System.HandshakeT);
      fromA.send([
        {
          ...handshakePacket(registry, { nodeId: 'client', roles: [] }, nonce, proof),
          body: registry.encode(third.value),
        },
      ]);
      assert.match(await fromA.refusal(), expected, what);
      await waitFor(
        () => a.logger.warnings.some((w) => w.includes('link to client') && expected.test(w)),
        `a's log line for ${what}`,
      );
    }
  });

  test('a squatter holding the secret who completes the handshake is a member: the secret is the whole proof', async () => {
    const a = nodes.get('a')!;
    const fromA = await squatter.next();
    const nonce = newNonce();
    fromA.send([handshakePacket(registry, { nodeId: 'client', roles: [] }, nonce, undefined)]);
    const dialer = await fromA.hello();
    const proof = proofOf(secretBytes(SECRET), 'acceptor', transcript('client', nonce, 'a', dialer.nonce));
    fromA.send([handshakePacket(registry, { nodeId: 'client', roles: [] }, nonce, proof)]);
    await waitFor(() => linked(a, 'client'), 'a to open its link to client');
    fromA.socket.destroy();
  });
});

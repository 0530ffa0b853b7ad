import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, Game, ProtocolError } from '@packetflow/protocol';
import {
  ActorSystem,
  Cluster,
  defineBehavior,
  HandlerError,
  type MemberInfo,
  PacketRefusedError,
  StaticMembership,
} from '../../src/index.js';
import { type Bump, type Bumped, bump, bumpRegistry, freePort } from '../fixtures/bump.js';
import { recordingLogger, waitFor } from '../helpers.js';

/** Answers a Bump by its score: 1 throws an error longer than any packet carries, 2 replies with 70 KB, else a count. */
const loud = defineBehavior<{ count: number }, Bump>({
  initial: () => ({ count: 0 }),
  handlers: {
    Bump: (msg, ctx): Bumped => {
      if (msg.body.score === 1) throw new Error(`${'x'.repeat(100_000)}`);
      const playerId = msg.body.score === 2 ? 'y'.repeat(70_000) : 'host';
      return { type: 'Bumped', body: new Game.PlayerStatsT(playerId, ++ctx.state.count, 0, 0) };
    },
  },
});

describe('bodies over the protocol limit between nodes', () => {
  let client: ActorSystem;
  let clusters: Cluster[];

  before(async () => {
    const ports = [await freePort(), await freePort()];
    const members: MemberInfo[] = [
      { id: 'host', roles: ['loud'], address: `127.0.0.1:${ports[0]}`, startedAt: 0 },
      { id: 'client', roles: [], address: `127.0.0.1:${ports[1]}`, startedAt: 0 },
    ];
    const systems = await Promise.all(
      members.map((m) => ActorSystem.start({ nodeId: m.id, logger: recordingLogger() })),
    );
    systems[0]!.register('loud', loud);
    clusters = await Promise.all(
      members.map((m, i) =>
        Cluster.join(systems[i]!, {
          secret: 'test-secret',
          membership: new StaticMembership(members),
          port: ports[i],
          roles: m.roles,
          registry: bumpRegistry(),
          logger: recordingLogger(),
        }),
      ),
    );
    client = systems[1]!;
    await waitFor(() => clusters.every((c) => c.liveMembers().length === 2), 'both links to open');
  });

  after(() => Promise.all(clusters.map((c) => c.close())));

  const ask = (score: number) => client.send<Bumped>(client.ref('loud', 'a'), bump('a', score), { timeoutMs: 3000 });

  test("a handler's error longer than a packet carries reaches the asker cut short, and the node serves on", async () => {
    await assert.rejects(ask(1), (error) => {
      assert.ok(error instanceof HandlerError);
      assert.match(error.message, /x{1000}… \(\d+ characters cut\)/);
      assert.ok(error.message.length < 10_000);
      return true;
    });
    assert.equal((await ask(0)).body.playerId, 'host');
  });

  test('a reply over the body limit is answered with an error saying so, and the node serves on', async () => {
    await assert.rejects(ask(2), (error) => {
      assert.ok(error instanceof PacketRefusedError);
      assert.equal(error.errorCode, ErrorCode.TooLarge);
      assert.match(error.message, /Bumped body of \d+ bytes exceeds the 65536-byte limit/);
      return true;
    });
    assert.equal((await ask(0)).body.playerId, 'host');
  });

  test('an ask over the body limit is refused before it is sent', async () => {
    const received = clusters[0]!.endpoint.stats.received;
    const huge: Bump = { type: 'Bump', body: new Game.PlayerStatsT('z'.repeat(70_000), 0, 0, 0) };
    await assert.rejects(client.send(client.ref('loud', 'a'), huge), (error) => {
      assert.ok(error instanceof ProtocolError);
      assert.equal(error.code, ErrorCode.TooLarge);
      return true;
    });
    assert.equal((await ask(0)).body.playerId, 'host');
    assert.equal(clusters[0]!.endpoint.stats.received, received + 1, 'only the ask after it reached the host');
  });
});

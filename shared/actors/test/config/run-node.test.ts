import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import {
  type Count,
  type CounterMessage,
  counterBehavior,
  counterRegistry,
  getCount,
  increment,
  readCount,
} from '../../examples/counter/counter.js';
import { type Env, type Logger, NodeConfigError, startNode } from '../../src/index.js';
import { freePort } from '../fixtures/bump.js';
import { waitFor } from '../helpers.js';

const SECRET = 'run-node-test-secret';
const exampleNode = join(import.meta.dirname, '..', '..', 'examples', 'counter', 'node.js');

function quietLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (message: string) => {
    lines.push(message);
  };
  return { lines, info: record, warn: record, error: record };
}

/** The environment of this process without any cluster setting, so a developer's own variables cannot leak in. */
function cleanEnv(): Env {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('PACKETFLOW_') && name !== 'REDIS_URL'),
  );
}

/** The example counter node in a child process, with the JSON lines it printed. */
function startExampleNode(env: Env) {
  const child = spawn(process.execPath, [exampleNode], {
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let output = '';
  createInterface({ input: child.stdout }).on('line', (line) => {
    output += `${line}\n`;
    lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited, output: () => output };
}

describe('startNode', () => {
  test('the example node answers a client over static membership, then leaves and exits 0 on SIGTERM', async () => {
    const [hostPort, clientPort] = await Promise.all([freePort(), freePort()]);
    const peers = `host=127.0.0.1:${hostPort}/counter,client=127.0.0.1:${clientPort}`;
    const host = startExampleNode({ PACKETFLOW_NODE_ID: 'host', PACKETFLOW_PEERS: peers, PACKETFLOW_SECRET: SECRET });
    try {
      await waitFor(() => host.lines.some((line) => line.msg === 'node started'), 'the node to start', 15_000);
      const started = host.lines.find((line) => line.msg === 'node started')!;
      assert.deepEqual(
        { ...started, time: undefined },
        {
          time: undefined,
          level: 'info',
          msg: 'node started',
          service: 'node',
          node: 'host',
          pid: host.child.pid,
          address: `127.0.0.1:${hostPort}`,
          roles: ['counter'],
          membership: 'static',
          members: ['client', 'host'],
        },
      );

      const client = await startNode({
        register: () => {},
        registry: counterRegistry(),
        env: { PACKETFLOW_NODE_ID: 'client', PACKETFLOW_PEERS: peers, PACKETFLOW_SECRET: SECRET },
        logger: quietLogger(),
        handleSignals: false,
      });
      try {
        assert.equal(client.cluster.address, `127.0.0.1:${clientPort}`);
        await waitFor(() => client.cluster.liveMembers().length === 2, 'the link to the host');
        const counter = client.system.ref<CounterMessage>('counter', 'c-1');
        await client.system.send<Count, CounterMessage>(counter, increment);
        const reply = await client.system.send<Count, CounterMessage>(counter, increment);
        assert.deepEqual(readCount(reply), { node: 'host', value: 2 });
        assert.deepEqual(readCount(await client.system.send<Count, CounterMessage>(counter, getCount)), {
          node: 'host',
          value: 2,
        });

        host.child.kill('SIGTERM');
        assert.equal(await host.exited, 0, host.output());
        assert.deepEqual(
          host.lines.filter((line) => line.level === 'info').map((line) => line.msg),
          ['node started', 'node leaving', 'node left'],
        );
        assert.ok(!host.output().includes(SECRET), 'the secret was printed');
      } finally {
        await client.stop();
      }
    } finally {
      host.child.kill('SIGKILL');
    }
  });

  test('with no configuration, a node is a cluster of one on loopback that serves its own actors', async () => {
    const logger = quietLogger();
    const node = await startNode({
      register: (system) => system.register('counter', counterBehavior(system.nodeId)),
      registry: counterRegistry(),
      env: {},
      logger,
      handleSignals: false,
    });
    try {
      assert.equal(node.config.secret, undefined);
      assert.match(node.cluster.address, /^127\.0\.0\.1:\d+$/);
      const counter = node.system.ref<CounterMessage>('counter', 'solo');
      const reply = await node.system.send<Count, CounterMessage>(counter, increment);
      assert.deepEqual(readCount(reply), { node: node.config.nodeId, value: 1 });
      assert.deepEqual(logger.lines, ['node started']);
    } finally {
      await node.stop();
      await node.stop();
    }
    assert.deepEqual(logger.lines, ['node started', 'node left']);
  });

  test('refuses to host a role that has no registered behavior', async () => {
    await assert.rejects(
      startNode({
        register: (system) => system.register('counter', counterBehavior(system.nodeId)),
        env: { PACKETFLOW_ROLES: 'counter,chat' },
        logger: quietLogger(),
        handleSignals: false,
      }),
      /this node should host chat, but no behavior is registered for it/,
    );
  });

  test('a bad environment fails before anything is registered or bound', async () => {
    let registered = false;
    await assert.rejects(
      startNode({
        register: () => {
          registered = true;
        },
        env: { PACKETFLOW_PORT: 'abc' },
        logger: quietLogger(),
        handleSignals: false,
      }),
      NodeConfigError,
    );
    assert.equal(registered, false);
  });
});

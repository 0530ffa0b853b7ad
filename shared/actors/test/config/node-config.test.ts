import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { type Env, type NodeConfig, NodeConfigError, readNodeConfig } from '../../src/index.js';

const SECRET = 'a-secret-of-24-characters';
const PEERS = 'a=127.0.0.1:7401/counter+chat,b=127.0.0.1:7402/counter,client=127.0.0.1:7403';

/** The problems readNodeConfig reports for `env`, as "VARIABLE: reason" lines. */
function problemsOf(env: Env): string[] {
  try {
    readNodeConfig(env);
  } catch (error) {
    assert.ok(error instanceof NodeConfigError, String(error));
    return error.problems.map(({ variable, reason }) => `${variable}: ${reason}`);
  }
  assert.fail('expected a NodeConfigError');
}

describe('readNodeConfig', () => {
  test('with nothing set, the node is a cluster of one on loopback, any port, no secret', () => {
    const config = readNodeConfig({});
    assert.deepEqual(config, {
      nodeId: `${hostname()}-${process.pid}`,
      roles: undefined,
      host: '127.0.0.1',
      port: 0,
      advertise: undefined,
      secret: undefined,
      membership: { kind: 'static', peers: [] },
      admin: undefined,
      heartbeatMs: 400,
      heartbeatMisses: 3,
    } satisfies NodeConfig);
  });

  test('heartbeats: every PACKETFLOW_HEARTBEAT_MS, a link dead after PACKETFLOW_HEARTBEAT_MISSES unanswered', () => {
    const config = readNodeConfig({ PACKETFLOW_HEARTBEAT_MS: '250', PACKETFLOW_HEARTBEAT_MISSES: '4' });
    assert.deepEqual([config.heartbeatMs, config.heartbeatMisses], [250, 4]);
    assert.deepEqual(problemsOf({ PACKETFLOW_HEARTBEAT_MS: '5', PACKETFLOW_HEARTBEAT_MISSES: 'three' }), [
      'PACKETFLOW_HEARTBEAT_MS: expected a whole number 10–60000, got "5"',
      'PACKETFLOW_HEARTBEAT_MISSES: expected a whole number 1–100, got "three"',
    ]);
    assert.equal(problemsOf({ PACKETFLOW_HEARTBEAT_MISSES: '0' }).length, 1);
  });

  test('an empty variable counts as unset', () => {
    assert.deepEqual(
      readNodeConfig({ PACKETFLOW_NODE_ID: '', PACKETFLOW_PORT: '', REDIS_URL: '', PACKETFLOW_PEERS: '' }),
      readNodeConfig({}),
    );
  });

  test('reads every variable of a Redis member', () => {
    const config = readNodeConfig({
      PACKETFLOW_NODE_ID: 'physics-1',
      PACKETFLOW_ROLES: 'physics, counter',
      PACKETFLOW_HOST: '0.0.0.0',
      PACKETFLOW_PORT: '7400',
      PACKETFLOW_ADVERTISE: '10.0.0.5:7400',
      PACKETFLOW_SECRET: SECRET,
      REDIS_URL: 'redis://:pw@redis.internal:6379/2',
      PACKETFLOW_CLUSTER: 'staging',
    });
    assert.equal(config.nodeId, 'physics-1');
    assert.deepEqual(config.roles, ['physics', 'counter']);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.port, 7400);
    assert.equal(config.advertise, '10.0.0.5:7400');
    assert.equal(config.secret?.reveal(), SECRET);
    assert.deepEqual(config.membership, {
      kind: 'redis',
      url: 'redis://:pw@redis.internal:6379/2',
      cluster: 'staging',
    });
  });

  test('the Redis cluster name defaults to packetflow', () => {
    const config = readNodeConfig({ REDIS_URL: 'redis://127.0.0.1:6379', PACKETFLOW_SECRET: SECRET });
    assert.deepEqual(config.membership, { kind: 'redis', url: 'redis://127.0.0.1:6379', cluster: 'packetflow' });
  });

  test('the admin endpoint listens on loopback unless PACKETFLOW_ADMIN_HOST says otherwise', () => {
    assert.deepEqual(readNodeConfig({ PACKETFLOW_ADMIN_PORT: '9464', PACKETFLOW_HOST: '0.0.0.0' }).admin, {
      host: '127.0.0.1',
      port: 9464,
    });
    assert.deepEqual(readNodeConfig({ PACKETFLOW_ADMIN_PORT: '0', PACKETFLOW_ADMIN_HOST: '0.0.0.0' }).admin, {
      host: '0.0.0.0',
      port: 0,
    });
    assert.deepEqual(problemsOf({ PACKETFLOW_ADMIN_HOST: '0.0.0.0' }), [
      'PACKETFLOW_ADMIN_HOST: set without PACKETFLOW_ADMIN_PORT, so no admin endpoint would listen there',
    ]);
    assert.deepEqual(problemsOf({ PACKETFLOW_ADMIN_HOST: 'not a host', PACKETFLOW_ADMIN_PORT: '9464' }), [
      'PACKETFLOW_ADMIN_HOST: expected an IP address or host name to listen on, got "not a host"',
    ]);
  });

  const badValues: [variable: string, value: string, reason: string][] = [
    ['PACKETFLOW_NODE_ID', 'node 1', 'expected 1–128 letters, digits or _ . : -, got "node 1"'],
    ['PACKETFLOW_NODE_ID', 'a=b', 'expected 1–128 letters, digits or _ . : -, got "a=b"'],
    ['PACKETFLOW_ROLES', 'counter,,chat', 'expected a comma-separated list of actor kinds, each 1–128 letters, digits'],
    ['PACKETFLOW_HOST', 'not a host', 'expected an IP address or host name to listen on, got "not a host"'],
    ['PACKETFLOW_PORT', 'abc', 'expected an integer 0–65535, got "abc"'],
    ['PACKETFLOW_PORT', '65536', 'expected an integer 0–65535, got "65536"'],
    ['PACKETFLOW_PORT', '-1', 'expected an integer 0–65535, got "-1"'],
    ['PACKETFLOW_PORT', '80.5', 'expected an integer 0–65535, got "80.5"'],
    ['PACKETFLOW_ADMIN_PORT', 'http', 'expected an integer 0–65535, got "http"'],
    ['PACKETFLOW_ADVERTISE', '10.0.0.5', 'expected host:port that the other members dial, port 1–65535'],
    ['PACKETFLOW_ADVERTISE', '10.0.0.5:0', 'expected host:port that the other members dial, port 1–65535'],
    ['PACKETFLOW_SECRET', 'too-short', 'must be at least 16 characters, got 9 characters'],
    ['PACKETFLOW_CLUSTER', 'my cluster', 'expected 1–128 letters, digits or _ . : -, got "my cluster"'],
    ['REDIS_URL', 'localhost:6379', 'expected a redis:// or rediss:// URL, got "localhost:6379"'],
    [
      'REDIS_URL',
      'http://user:hunter2@redis:6379',
      'expected a redis:// or rediss:// URL, got "http://user:***@redis:6379/"',
    ],
  ];
  for (const [variable, value, reason] of badValues) {
    test(`reports ${variable}=${JSON.stringify(value)} with the reason`, () => {
      const env = { PACKETFLOW_SECRET: SECRET, [variable]: value };
      const problems = problemsOf(env);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.ok(problems[0]!.startsWith(`${variable}: ${reason}`), problems[0]);
    });
  }

  test('lists every problem in one error, one line per variable', () => {
    let thrown: unknown;
    try {
      readNodeConfig({ PACKETFLOW_PORT: 'abc', PACKETFLOW_HOST: 'a b', PACKETFLOW_NODE_ID: '', PACKETFLOW_ROLES: ',' });
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof NodeConfigError);
    assert.deepEqual(
      thrown.problems.map((p) => p.variable),
      ['PACKETFLOW_ROLES', 'PACKETFLOW_HOST', 'PACKETFLOW_PORT'],
    );
    const lines = thrown.message.split('\n');
    assert.equal(lines[0], 'invalid node configuration:');
    assert.equal(lines[3], '  PACKETFLOW_PORT: expected an integer 0–65535, got "abc"');
  });

  test('never shows the secret or a Redis password in a message, a log or JSON', () => {
    const secret = 'short-secret';
    const message = problemsOf({ PACKETFLOW_SECRET: secret, REDIS_URL: 'ftp://:hunter2@h' }).join('\n');
    assert.ok(!message.includes(secret) && !message.includes('hunter2'), message);
    const config = readNodeConfig({ PACKETFLOW_SECRET: SECRET });
    assert.ok(!JSON.stringify(config).includes(SECRET));
    assert.ok(!inspect(config, { depth: 10 }).includes(SECRET));
    assert.ok(!`${config.secret}`.includes(SECRET));
  });

  test('both memberships at once is an error', () => {
    const problems = problemsOf({
      PACKETFLOW_NODE_ID: 'a',
      PACKETFLOW_SECRET: SECRET,
      REDIS_URL: 'redis://127.0.0.1:6379',
      PACKETFLOW_PEERS: PEERS,
    });
    assert.deepEqual(problems, [
      'PACKETFLOW_PEERS: set together with REDIS_URL: choose one membership, Redis or a static list',
    ]);
  });

  test('the secret is required as soon as there are peers or Redis, and only then', () => {
    for (const env of [{ PACKETFLOW_NODE_ID: 'a', PACKETFLOW_PEERS: PEERS }, { REDIS_URL: 'redis://127.0.0.1:6379' }]) {
      const problems = problemsOf(env);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0]!, /^PACKETFLOW_SECRET: required when the node has peers .* at least 16 characters/);
    }
    assert.equal(readNodeConfig({ PACKETFLOW_ROLES: 'counter' }).secret, undefined);
  });

  describe('PACKETFLOW_PEERS', () => {
    test('lists members with their roles; this node binds the port and advertises the address it is listed at', () => {
      const config = readNodeConfig({ PACKETFLOW_NODE_ID: 'a', PACKETFLOW_PEERS: PEERS, PACKETFLOW_SECRET: SECRET });
      assert.deepEqual(config.membership, {
        kind: 'static',
        peers: [
          { id: 'a', address: '127.0.0.1:7401', host: '127.0.0.1', port: 7401, roles: ['counter', 'chat'] },
          { id: 'b', address: '127.0.0.1:7402', host: '127.0.0.1', port: 7402, roles: ['counter'] },
          { id: 'client', address: '127.0.0.1:7403', host: '127.0.0.1', port: 7403, roles: [] },
        ],
      });
      assert.equal(config.port, 7401);
      assert.equal(config.advertise, '127.0.0.1:7401');
      assert.equal(config.host, '127.0.0.1');
      assert.deepEqual(config.roles, ['counter', 'chat']);
    });

    test('accepts spaces around entries, IPv6 addresses and host names', () => {
      const config = readNodeConfig({
        PACKETFLOW_NODE_ID: 'a',
        PACKETFLOW_PEERS: ' a=[::1]:7401/counter , b=node-b.internal:7402/ ',
        PACKETFLOW_SECRET: SECRET,
      });
      assert.equal(config.host, '::1');
      assert.equal(config.advertise, '[::1]:7401');
      assert.deepEqual(
        config.membership.kind === 'static' && config.membership.peers.map((p) => [p.id, p.host, p.port, p.roles]),
        [
          ['a', '::1', 7401, ['counter']],
          ['b', 'node-b.internal', 7402, []],
        ],
      );
    });

    test('reports every bad entry with its position', () => {
      const problems = problemsOf({
        PACKETFLOW_NODE_ID: 'a',
        PACKETFLOW_SECRET: SECRET,
        PACKETFLOW_PEERS: 'a=127.0.0.1:7401,127.0.0.1:7402,c=127.0.0.1:99999,d=h:1/bad role,a=h:2,e=127.0.0.1:7401,',
      });
      assert.deepEqual(problems, [
        'PACKETFLOW_PEERS: entry 2 "127.0.0.1:7402": expected id=host:port/role1+role2, comma-separated (no /roles: hosts nothing)',
        'PACKETFLOW_PEERS: entry 3 "c=127.0.0.1:99999": address "127.0.0.1:99999" is not host:port with a port 1–65535',
        'PACKETFLOW_PEERS: entry 4 "d=h:1/bad role": role "bad role" is not 1–128 letters, digits or _ . : -',
        'PACKETFLOW_PEERS: entry 5 "a=h:2": id "a" is listed twice',
        'PACKETFLOW_PEERS: entry 6 "e=127.0.0.1:7401": address 127.0.0.1:7401 is listed twice',
        'PACKETFLOW_PEERS: entry 7 "": expected id=host:port/role1+role2, comma-separated (no /roles: hosts nothing)',
      ]);
    });

    test('must list this node', () => {
      assert.deepEqual(problemsOf({ PACKETFLOW_NODE_ID: 'z', PACKETFLOW_PEERS: PEERS, PACKETFLOW_SECRET: SECRET }), [
        'PACKETFLOW_PEERS: does not list this node "z": every member, clients too, must be listed so that the others can reach it',
      ]);
      assert.match(
        problemsOf({ PACKETFLOW_PEERS: PEERS, PACKETFLOW_SECRET: SECRET })[0]!,
        /the default PACKETFLOW_NODE_ID; set it to an id from the list/,
      );
    });

    test('PORT, ADVERTISE and ROLES must agree with how the list shows this node', () => {
      const problems = problemsOf({
        PACKETFLOW_NODE_ID: 'b',
        PACKETFLOW_PEERS: PEERS,
        PACKETFLOW_SECRET: SECRET,
        PACKETFLOW_PORT: '7999',
        PACKETFLOW_ADVERTISE: '127.0.0.1:7999',
        PACKETFLOW_ROLES: 'chat',
      });
      assert.deepEqual(problems, [
        'PACKETFLOW_PORT: 7999, but PACKETFLOW_PEERS lists b at 127.0.0.1:7402',
        'PACKETFLOW_ADVERTISE: 127.0.0.1:7999, but PACKETFLOW_PEERS lists b at 127.0.0.1:7402',
        'PACKETFLOW_ROLES: "chat", but PACKETFLOW_PEERS lists b at 127.0.0.1:7402 with roles "counter"',
      ]);
      const agreeing = { PACKETFLOW_PORT: '7402', PACKETFLOW_ROLES: 'counter', PACKETFLOW_ADVERTISE: '127.0.0.1:7402' };
      assert.equal(
        readNodeConfig({ PACKETFLOW_NODE_ID: 'b', PACKETFLOW_PEERS: PEERS, PACKETFLOW_SECRET: SECRET, ...agreeing })
          .port,
        7402,
      );
    });

    test('a node listed at a non-loopback address needs PACKETFLOW_HOST, since loopback is the default', () => {
      const env = { PACKETFLOW_NODE_ID: 'a', PACKETFLOW_PEERS: 'a=10.0.0.5:7400/counter', PACKETFLOW_SECRET: SECRET };
      assert.match(problemsOf(env)[0]!, /^PACKETFLOW_HOST: unset, so this node would listen on loopback only/);
      const config = readNodeConfig({ ...env, PACKETFLOW_HOST: '0.0.0.0' });
      assert.equal(config.host, '0.0.0.0');
      assert.equal(config.advertise, '10.0.0.5:7400');
    });
  });

  test('with Redis, a wildcard listen address needs PACKETFLOW_ADVERTISE, and ADVERTISE a fixed PORT', () => {
    const redis = { REDIS_URL: 'redis://127.0.0.1:6379', PACKETFLOW_SECRET: SECRET };
    assert.match(
      problemsOf({ ...redis, PACKETFLOW_HOST: '0.0.0.0' })[0]!,
      /^PACKETFLOW_ADVERTISE: required when PACKETFLOW_HOST is 0.0.0.0/,
    );
    assert.deepEqual(problemsOf({ ...redis, PACKETFLOW_ADVERTISE: '10.0.0.5:7400' }), [
      'PACKETFLOW_PORT: required with PACKETFLOW_ADVERTISE: the others dial a fixed port, so listen on one',
    ]);
  });
});

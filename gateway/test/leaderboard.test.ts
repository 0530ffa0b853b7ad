// GET /leaderboard against the real Python leaderboard (services/leaderboard) as a process of its own in the test's
// cluster; the 503s when nothing hosts leaderboards or its host is gone; hostile query strings and bursts.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RunningNode, startNode } from '@packetflow/actors';
import { Game, type RecordScoreMessage } from '@packetflow/protocol';
import { freePort } from '@packetflow/testing';
import { LEADERBOARD_RATE_LIMIT } from '../src/http/leaderboard-route.js';
import { type Gateway, gatewayRegistry, loadConfig, startGateway } from '../src/index.js';
import { type InProcessBackend, inProcessBackend, LogLines, TEST_SECRET } from './support/in-process-backend.js';
import { eventually } from './support/raw-bot.js';

const SECRET = 'leaderboard-test-cluster-secret-0123';
/** The repository's root, from this file's compiled place (gateway/dist/test). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PYTHON = '/usr/bin/python3';

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: Record<string, unknown>;
}

async function get(url: string, query: string): Promise<Answer> {
  const response = await fetch(`${url}/leaderboard${query}`);
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { unparsed: text };
  }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

/** The Python leaderboard service as `npm start` runs it: its own process, a member of the test's static cluster. */
async function startPythonLeaderboard(peers: string, dataDir: string): Promise<ChildProcess> {
  const child = spawn(PYTHON, ['-m', 'leaderboard.main'], {
    env: {
      ...process.env,
      PYTHONPATH: [join(ROOT, 'services', 'leaderboard'), join(ROOT, 'shared', 'python')].join(delimiter),
      PYTHONDONTWRITEBYTECODE: '1',
      PACKETFLOW_NODE_ID: 'leaderboard',
      PACKETFLOW_PEERS: peers,
      PACKETFLOW_SECRET: SECRET,
      PACKETFLOW_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (line.startsWith('{') && (JSON.parse(line) as { msg?: string }).msg === 'node started') resolve();
    });
    child.once('exit', (code) => reject(new Error(`the Python leaderboard exited (${code}):\n${output.join('\n')}`)));
  });
  return child;
}

async function killed(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('GET /leaderboard with the Python leaderboard in the cluster', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-leaderboard-'));
  const log = new LogLines();
  let node: RunningNode;
  let gateway: Gateway;
  let python: ChildProcess | undefined;
  let url: string;

  const record = (mode: string, playerId: string, name: string | null, score: number): Promise<unknown> => {
    const message: RecordScoreMessage = {
      type: 'RecordScore',
      body: new Game.LeaderboardScoreT(playerId, name, score),
    };
    return node.system.send(node.system.ref('leaderboard', mode), message, { timeoutMs: 5000 });
  };

  before(async () => {
    const [gatewayPort, leaderboardPort] = [await freePort(), await freePort()];
    const peers = `gateway=127.0.0.1:${gatewayPort},leaderboard=127.0.0.1:${leaderboardPort}/leaderboard`;
    node = await startNode({
      env: { PACKETFLOW_NODE_ID: 'gateway', PACKETFLOW_PEERS: peers, PACKETFLOW_SECRET: SECRET },
      register: () => {},
      roles: [],
      registry: gatewayRegistry(),
      logger: log,
      handleSignals: false,
    });
    python = await startPythonLeaderboard(peers, dataDir);
    const config = loadConfig({
      PACKETFLOW_TOKEN_SECRET: TEST_SECRET,
      PACKETFLOW_GATEWAY_PORT: '0',
      PACKETFLOW_SERVICE_TIMEOUT_MS: '2000',
      PACKETFLOW_RATE_LIMIT_EXEMPT: '127.0.0.1',
    });
    gateway = await startGateway(config, { system: node.system, cluster: node.cluster, logger: log });
    url = `http://127.0.0.1:${gateway.port}`;
  });

  after(async () => {
    await gateway?.close();
    await node?.stop();
    await killed(python);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a mode’s top 10 from Python, best first, ties by player id, with names', async () => {
    // The link to the Python member comes up in the background: 503 until it is live.
    await eventually(
      () => get(url, '?mode=touch'),
      (answer) => answer.status === 200,
      'the leaderboard once the Python member is live',
    );
    for (let i = 0; i < 12; i++) await record('touch', `guest-${String(i).padStart(2, '0')}`, `P${i}`, 10 + i);
    await record('touch', 'guest-11', 'Eleven', 3);
    await record('touch', 'a-tie', null, 20);
    await record('king', 'guest-00', 'Zero', 7);
    const touch = await get(url, '?mode=touch');
    assert.equal(touch.status, 200);
    assert.deepEqual(touch.body, {
      mode: 'touch',
      entries: [
        { playerId: 'guest-11', name: 'Eleven', score: 21 },
        { playerId: 'a-tie', name: null, score: 20 },
        { playerId: 'guest-10', name: 'P10', score: 20 },
        ...[9, 8, 7, 6, 5, 4, 3].map((i) => ({ playerId: `guest-0${i}`, name: `P${i}`, score: 10 + i })),
      ],
    });
    assert.deepEqual((await get(url, '?mode=king')).body, {
      mode: 'king',
      entries: [{ playerId: 'guest-00', name: 'Zero', score: 7 }],
    });
    assert.deepEqual((await get(url, '?mode=never-played')).body, { mode: 'never-played', entries: [] });
  });

  it('refuses hostile query strings with 400 and a reason, and goes on answering', async () => {
    const hostile = [
      '',
      '?mode=',
      '?mode',
      '?mode=touch&mode=king',
      '?mode[]=touch',
      '?mode[a]=touch',
      '?mode=a%20b',
      '?mode=touch%00',
      '?mode=touch%0d%0aX-Injected:%201',
      '?mode=%FF%FE',
      '?mode=%E2%80%AEtouch',
      '?mode=..%2F..%2Fetc',
      '?mode=%',
      `?mode=${'m'.repeat(65)}`,
      `?mode=${'m'.repeat(1000)}`,
      '?MODE=touch',
    ];
    for (const query of hostile) {
      const answer = await get(url, query);
      assert.equal(answer.status, 400, `${query} → ${answer.status} ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.code, 400);
      assert.match(String(answer.body.error), /mode/, query);
    }
    // The longest mode there is, and every character a mode may hold.
    const longest = `?mode=${'A-z_9'.repeat(12)}long`;
    assert.equal((await get(url, longest)).status, 200);
    assert.equal((await get(url, '?mode=touch&other=%FF')).status, 200);
    assert.equal((await get(url, '?mode=touch')).status, 200);
  });

  it('many requests at once for one mode all get the same answer', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => get(url, '?mode=touch')));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    assert.ok(answers.every((a) => JSON.stringify(a.body) === JSON.stringify(answers[0]!.body)));
  });

  it('answers 503 with the reason once the Python host is SIGKILLed, and the gateway serves on', async () => {
    await killed(python);
    const answer = await eventually(
      () => get(url, '?mode=touch'),
      (a) => a.status === 503,
      'a 503 once the leaderboard host is gone',
    );
    assert.equal(answer.body.code, 503);
    assert.match(String(answer.body.error), /^leaderboard unavailable: .*leaderboard/);
    assert.equal(answer.retryAfter, '5');
    const token = await fetch(`${url}/auth/guest`, { method: 'POST' });
    assert.equal(token.status, 200);
  });
});

describe('GET /leaderboard with no member hosting leaderboards', () => {
  let backend: InProcessBackend;

  before(async () => {
    backend = await inProcessBackend();
  });

  after(async () => {
    await backend.close();
  });

  it('answers 503 with the reason', async () => {
    const answer = await get(backend.url, '?mode=touch');
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.body, {
      code: 503,
      error: 'leaderboard unavailable: no behavior registered for actor kind "leaderboard"',
    });
    assert.equal(answer.retryAfter, '5');
  });

  it(`refuses an address past ${LEADERBOARD_RATE_LIMIT} requests in a window with 429 and Retry-After`, async () => {
    const answers = await Promise.all(
      Array.from({ length: LEADERBOARD_RATE_LIMIT + 10 }, () => get(backend.url, '?mode=touch')),
    );
    const refused = answers.filter((a) => a.status === 429);
    // The first test's request took one from the same allowance.
    assert.equal(refused.length, 11);
    assert.ok(Number(refused[0]!.retryAfter) > 0);
    assert.match(String(refused[0]!.body.error), /too many requests/);
  });
});

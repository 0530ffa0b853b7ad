// The image's runtime tree, made by hand as the Dockerfile makes it (production dependencies only, the built output
// copied as its COPY lines copy it), then every service started from it as the image starts it: its entry script,
// its user, Node 24 on Debian 13 (a debootstrapped root; no Docker engine runs on these machines). A dev dependency
// needed at run time, a file the image forgets, or a native build that does not load there fails here, not in a
// deploy.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { PacketFlowClient } from '@packetflow/client';
import {
  freePort,
  RedisServer,
  spawnInRoot,
  type TrixieRoot,
  trixieRoot,
  trixieRootUnavailable,
} from '@packetflow/testing';
import { readDockerfile } from '../src/docker/dockerfile.js';
import { type AssembledImage, assembleImage } from '../src/docker/image-assembly.js';
import { IMAGE_SERVICES, type ImageService } from '../src/docker/runtime-packages.js';
import { infraFile } from '../src/paths.js';

const repo = infraFile('..');
const START_MS = 60_000;
const INPUTS = 20;
/** The image's `USER node`: uid and gid 1000 in the node images. */
const IMAGE_USER = ['setpriv', '--reuid=1000', '--regid=1000', '--clear-groups'];

/** A process in the root, with its output kept as lines. */
class RootProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | string>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly child: ChildProcess) {
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.lines.push(line);
        for (const wake of this.waiters) wake();
      });
    }
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)));
  }

  get output(): string {
    return this.lines.slice(-30).join('\n');
  }

  /** Resolves with the first JSON log line whose `msg` is `msg`. */
  async logged(msg: string, what: string): Promise<Record<string, unknown>> {
    const deadline = Date.now() + START_MS;
    for (;;) {
      for (const line of this.lines) {
        if (!line.startsWith('{')) continue;
        const json = JSON.parse(line) as Record<string, unknown>;
        if (json.msg === msg) return json;
      }
      let wake: (() => void) | undefined;
      let timer: NodeJS.Timeout | undefined;
      const exited = await Promise.race([
        this.exited.then(() => true),
        new Promise<false>((resolve) => {
          wake = () => resolve(false);
          this.waiters.add(wake);
          timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
        }),
      ]);
      // A timer left behind would hold the test process open until its deadline.
      clearTimeout(timer);
      if (wake) this.waiters.delete(wake);
      if (exited || Date.now() > deadline) {
        throw new Error(
          `${what}: no "${msg}" line${exited ? ' before it exited' : ` within ${START_MS} ms`}:\n${this.output}`,
        );
      }
    }
  }
}

const unavailable = trixieRootUnavailable();

describe("the image's runtime tree under Node 24 on Debian 13", { skip: unavailable, timeout: 900_000 }, () => {
  let root: TrixieRoot;
  let scratch: string;
  let image: AssembledImage;
  let redis: RedisServer;
  const running = new Map<ImageService, RootProcess>();

  const inRoot = (command: string, args: readonly string[], cwd: string, env: Record<string, string>) =>
    new RootProcess(
      spawnInRoot(root, command, args, {
        binds: [scratch],
        cwd,
        env: { PATH: `${dirname(root.node)}:/usr/bin:/bin`, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );

  before(async () => {
    root = await trixieRoot({ onProgress: (line) => console.log(`[root] ${line}`) });
    scratch = mkdtempSync(join(tmpdir(), 'packetflow-image-'));
    // The image's user must reach its files, as in the image, where /app is world-readable and owned by root.
    chmodSync(scratch, 0o755);
    // npm, with the machine's cache, for the deps stage's `npm ci`: the Node 24 archive carries no npm of its own.
    const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
    const npmCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8', cwd: tmpdir() }).trim();
    const npmDir = dirname(dirname(npmCli));
    image = await assembleImage(readDockerfile(readFileSync(infraFile('docker/Dockerfile'), 'utf8')), {
      repo,
      scratch,
      runStep: async (text, cwd) => {
        const step = new RootProcess(
          spawnInRoot(root, '/bin/sh', ['-c', `npm() { node "${npmCli}" "$@"; }\n${text}`], {
            binds: [scratch, npmDir, npmCache, '/etc/resolv.conf'],
            cwd,
            env: {
              PATH: `${dirname(root.node)}:/usr/bin:/bin`,
              npm_config_cache: npmCache,
              npm_config_prefer_offline: 'true',
              npm_config_update_notifier: 'false',
            },
            stdio: ['ignore', 'pipe', 'pipe'],
          }),
        );
        const code = await step.exited;
        if (code !== 0) throw new Error(`RUN ${text} failed (${code}):\n${step.output}`);
        console.log(`RUN ${text.split('\n')[0]}\n${step.output}`);
      },
    });
    redis = await RedisServer.start();
  });

  after(async () => {
    for (const service of running.values()) service.child.kill('SIGKILL');
    await Promise.all([...running.values()].map((service) => service.exited));
    await redis?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('holds production dependencies only, and the one uWebSockets.js build Node 24 loads', () => {
    const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.entries(lock.packages)
      .filter(([path, entry]) => entry.dev === true && path.startsWith('node_modules/'))
      .map(([path]) => path)
      .filter((path) => existsSync(join(image.appDir, path)));
    assert.deepEqual(devOnly, [], 'packages the lock file marks dev-only, found in the image');
    const uws = join(image.appDir, 'node_modules');
    assert.deepEqual(
      readdirSync(join(uws, 'uws-btc-vision')).filter((f) => f.endsWith('.node')),
      ['uws_linux_x64_137.node'],
    );
    assert.equal(existsSync(join(uws, 'uws-trufflesuite')), false, 'the Node 20 build has no place on Node 24');
    assert.equal(image.skipped.length, 1, 'one RUN not performed: the apt-get install of the init');
    assert.match(image.skipped[0]!, /apt-get install -y --no-install-recommends tini\b/);
    const size = execFileSync('du', ['-sm', image.appDir], { encoding: 'utf8' }).split('\t')[0];
    const modules = execFileSync('du', ['-sm', join(image.appDir, 'node_modules')], { encoding: 'utf8' }).split(
      '\t',
    )[0];
    console.log(`the image's /app: ${size} MB, of which node_modules ${modules} MB`);
  });

  it('refuses an unknown PACKETFLOW_SERVICE with one line naming the choices', async () => {
    const wrong = inRoot(IMAGE_USER[0]!, [...IMAGE_USER.slice(1), ...entry()], image.appDir, {
      ...image.env,
      PACKETFLOW_SERVICE: 'matchmaker',
    });
    assert.equal(await wrong.exited, 64);
    assert.deepEqual(wrong.lines, [
      'PACKETFLOW_SERVICE="matchmaker": expected gateway, game-logic, physics or player-store',
    ]);
  });

  it('starts every service as the image does, each ready and healthy, and a player plays a match', async () => {
    const secret = randomBytes(24).toString('hex');
    const admin = new Map<ImageService, number>();
    const start = async (service: ImageService, extra: Record<string, string> = {}) => {
      admin.set(service, await freePort());
      const process = inRoot(IMAGE_USER[0]!, [...IMAGE_USER.slice(1), ...entry()], image.appDir, {
        ...image.env,
        PACKETFLOW_SERVICE: service,
        PACKETFLOW_NODE_ID: service,
        REDIS_URL: redis.url,
        PACKETFLOW_SECRET: secret,
        PACKETFLOW_PORT: String(await freePort()),
        // Four nodes on one host: each its own admin port instead of the image's 9464.
        PACKETFLOW_ADMIN_PORT: String(admin.get(service)),
        ...extra,
      });
      running.set(service, process);
      return process;
    };
    const services = (['physics', 'player-store', 'game-logic'] as const).map((service) => start(service));
    for (const [i, service] of (['physics', 'player-store', 'game-logic'] as const).entries()) {
      const started = await (await services[i]!).logged('node started', service);
      assert.equal(started.membership, 'redis', `${service} joined through Redis`);
    }
    const gatewayPort = await freePort();
    const gateway = await start('gateway', {
      PACKETFLOW_TOKEN_SECRET: randomBytes(24).toString('hex'),
      PACKETFLOW_GATEWAY_PORT: String(gatewayPort),
      PACKETFLOW_RATE_LIMIT_EXEMPT: '127.0.0.1',
    });
    const listening = await gateway.logged('gateway listening', 'gateway');
    assert.match(String(listening.uWebSockets), /^@btc-vision\/uwebsockets\.js@/, 'the native build for Node 24');

    for (const [service, port] of admin) {
      const check = inRoot(IMAGE_USER[0]!, [...IMAGE_USER.slice(1), ...image.healthcheck], image.appDir, {
        ...image.env,
        PACKETFLOW_ADMIN_PORT: String(port),
      });
      assert.equal(await check.exited, 0, `${service}'s HEALTHCHECK:\n${check.output}`);
    }
    const nobody = inRoot(IMAGE_USER[0]!, [...IMAGE_USER.slice(1), ...image.healthcheck], image.appDir, {
      ...image.env,
      PACKETFLOW_ADMIN_PORT: String(await freePort()),
    });
    assert.equal(await nobody.exited, 1, 'the HEALTHCHECK fails where no node answers');
    assert.match(nobody.output, /\/readyz did not answer/);

    const client = new PacketFlowClient(`http://127.0.0.1:${gatewayPort}`);
    await client.guest();
    const match = await client.joinOrCreate({ name: 'Image', interpolate: false });
    for (let i = 0; i < INPUTS; i++) {
      match.sendInput({ move: { x: 1, y: 0 } });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const deadline = Date.now() + START_MS;
    while (match.ackedSequence < INPUTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(match.ackedSequence, INPUTS, 'every input went through the gateway, the match and physics and back');
    await match.leave();
  });

  it('stops every service on SIGTERM, each node leaving the cluster first', async () => {
    assert.equal(running.size, 4, 'the services of the previous test are running');
    for (const service of ['gateway', 'game-logic', 'player-store', 'physics'] as const) {
      const process = running.get(service)!;
      process.child.kill('SIGTERM');
      assert.equal(await process.exited, 0, `${service} exits 0 on SIGTERM:\n${process.output}`);
      await process.logged('node left', service);
      running.delete(service);
    }
  });

  /** The ENTRYPOINT without its init: tini is a system package of the image that the root does not have. */
  function entry(): string[] {
    const [init, separator, ...rest] = image.entrypoint;
    assert.equal(init, '/usr/bin/tini');
    assert.equal(separator, '--');
    return rest;
  }
});

assert.deepEqual(Object.keys(IMAGE_SERVICES).sort(), ['game-logic', 'gateway', 'physics', 'player-store']);

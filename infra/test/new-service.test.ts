// `npm run new:service -- <name>` (scripts/new-service.mjs) run into a temporary copy of the repository, never this
// checkout: the package it makes builds and its test passes, the service starts through the image's entry point and
// leaves on SIGTERM, and npm start, Compose and the Kubernetes manifests hold it. A name that clashes or is not one,
// and a file the generator no longer recognizes, are refused with nothing written.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readNodeConfig } from '@packetflow/actors';
import type { ServiceSpec } from '@packetflow/launcher';
import { composeServices } from '../src/deploy/compose-file.js';
import { modelProblems } from '../src/deploy/manifest-models.js';
import { podSpecOf, type RenderedObject, renderKustomization } from '../src/deploy/manifests.js';
import { infraFile } from '../src/paths.js';

const REPO = infraFile('..');
const NAME = 'tally-board';
/** Build output, installs and results: made again in the copy, or shared through node_modules' links. */
const NOT_COPIED = new Set(['node_modules', 'dist', '.git', '.turbo', 'test-results']);

/** The code and manifests of this repository the generator edits, which must still pass the lint. */
const EDITED_CODE = [
  'shared/protocol/src/kinds.ts',
  'launcher/src/services.ts',
  'launcher/package.json',
  'launcher/tsconfig.json',
  'infra/src/docker/runtime-packages.ts',
  'infra/src/config/service-validators.ts',
  'infra/src/deploy/manifest-checks.ts',
];

const scratch = mkdtempSync(join(tmpdir(), 'packetflow-new-service-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const copy = join(scratch, 'repo');

/**
 * The working tree without build output, its node_modules links to this checkout's installed packages, except the
 * links npm made to workspace folders (`@packetflow/*`, `uWebSockets.js`), which point at the copy's own folders.
 */
function copyRepository(): void {
  cpSync(REPO, copy, { recursive: true, filter: (source) => !NOT_COPIED.has(basename(source)) });
  const modules = join(REPO, 'node_modules');
  const link = (from: string, to: string) => {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const source = join(from, entry.name);
      const target = entry.isSymbolicLink() ? readlinkSync(source) : undefined;
      if (target !== undefined && !isAbsolute(target) && !resolve(from, target).startsWith(modules + sep)) {
        symlinkSync(target, join(to, entry.name));
      } else if (entry.isDirectory() && entry.name.startsWith('@')) {
        link(source, join(to, entry.name));
      } else {
        symlinkSync(source, join(to, entry.name));
      }
    }
  };
  link(modules, join(copy, 'node_modules'));
}

const generate = (name: string) =>
  spawnSync(process.execPath, [join(copy, 'scripts/new-service.mjs'), name], { cwd: copy, encoding: 'utf8' });

/** Without NODE_TEST_CONTEXT: a test runner started under this one would report to it instead of printing. */
const { NODE_TEST_CONTEXT: _, ...childEnv } = process.env;

function run(file: string, args: readonly string[], cwd = copy): string {
  const result = spawnSync(process.execPath, [file, ...args], { cwd, env: childEnv, encoding: 'utf8' });
  assert.equal(result.status, 0, `${basename(file)} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** A `node started` line on stdout within 20 s, or the process's output in the failure. */
function started(child: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no "node started" line within 20 s:\n${output}`)), 20_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      // Whole lines only: a chunk may end inside the line looked for.
      for (const line of output.slice(0, output.lastIndexOf('\n') + 1).split('\n')) {
        if (!line.includes('"node started"')) continue;
        clearTimeout(timer);
        resolve(JSON.parse(line) as Record<string, unknown>);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before "node started":\n${output}`));
    });
  });
}

describe('npm run new:service', () => {
  before(copyRepository);

  it('refuses a name that is not one, or that a package, a service or an actor kind already has', () => {
    for (const [name, reason] of [
      ['Chat', /not a service name/],
      ['chat_room', /not a service name/],
      ['-chat', /not a service name/],
      ['physics', /services\/physics already exists/],
      ['actors', /@packetflow\/actors is already a package/],
      ['player', /player is already an actor kind/],
    ] as const) {
      const result = generate(name);
      assert.equal(result.status, 1, `${name} was accepted`);
      assert.match(result.stderr, reason);
      assert.ok(!result.stderr.includes('    at '), `a refusal, not a crash:\n${result.stderr}`);
    }
    assert.equal(spawnSync(process.execPath, [join(copy, 'scripts/new-service.mjs')], { encoding: 'utf8' }).status, 1);
  });

  it('writes nothing when a file it edits no longer looks as it expects, and names that file', () => {
    const file = join(copy, 'infra/prometheus/prometheus.yml');
    const launcher = readFileSync(join(copy, 'launcher/src/services.ts'), 'utf8');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replaceAll('player-store', 'player-stats'));
    try {
      const result = generate(NAME);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /infra\/prometheus\/prometheus\.yml no longer has .*nothing was written/);
    } finally {
      writeFileSync(file, original);
    }
    assert.equal(existsSync(join(copy, 'services', NAME)), false);
    assert.equal(readFileSync(join(copy, 'launcher/src/services.ts'), 'utf8'), launcher);
  });

  describe(`generates ${NAME}`, () => {
    before(() => {
      const result = generate(NAME);
      assert.equal(result.status, 0, result.stderr);
      symlinkSync(`../../services/${NAME}`, join(copy, 'node_modules/@packetflow', NAME));
      run(join(copy, 'node_modules/typescript/bin/tsc'), ['-b', `services/${NAME}`, 'launcher']);
    });

    it('a package whose own test passes and whose code passes the lint', () => {
      const files = readdirSync(join(copy, 'services', NAME), { recursive: true, encoding: 'utf8' });
      for (const file of [
        'package.json',
        'tsconfig.json',
        'README.md',
        `src/${NAME}-contract.ts`,
        `src/${NAME}-behavior.ts`,
        'src/index.ts',
        'src/main.ts',
        `test/${NAME}.test.ts`,
      ]) {
        assert.ok(files.includes(file), `services/${NAME}/${file} missing`);
      }
      const output = run(join(copy, 'scripts/run-package-tests.mjs'), [], join(copy, 'services', NAME));
      assert.match(output, /ℹ pass [1-9]/);
      assert.match(output, /ℹ fail 0/);
      const lint = spawnSync(
        join(copy, 'node_modules/.bin/biome'),
        ['check', '--vcs-enabled=false', `services/${NAME}`, ...EDITED_CODE],
        { cwd: copy, encoding: 'utf8' },
      );
      assert.equal(lint.status, 0, `${lint.stdout}\n${lint.stderr}`);
    });

    it('runs through the image entry point by its PACKETFLOW_SERVICE, is ready, and leaves on SIGTERM', async () => {
      const child = spawn('sh', [join(copy, 'infra/docker/start-service.sh')], {
        env: {
          PATH: process.env.PATH,
          PACKETFLOW_SERVICE: NAME,
          PACKETFLOW_NODE_ID: `${NAME}-1`,
          PACKETFLOW_ADMIN_PORT: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const line = await started(child);
        assert.equal(line.node, `${NAME}-1`);
        assert.deepEqual(line.roles, [NAME]);
        // An answer from the admin endpoint also means the node is past startNode, its signal handlers set.
        const ready = await fetch(`http://${line.admin as string}/readyz`);
        assert.deepEqual([ready.status, await ready.json()], [200, { ready: true }]);
      } finally {
        child.kill('SIGTERM');
      }
      assert.equal(await exited, 0);
    });

    it('npm start runs it in its own process before the gateway, in both layouts', async () => {
      const { LAYOUTS } = (await import(
        join(copy, 'launcher/dist/src/services.js')
      )) as typeof import('@packetflow/launcher');
      for (const layout of [LAYOUTS.separate, LAYOUTS.together]) {
        assert.equal(layout.at(-1)?.name, 'gateway');
        const service = (layout as readonly ServiceSpec[]).find((s) => (s.name as string) === NAME);
        assert.deepEqual(service && { entry: service.entry, roles: service.roles }, {
          entry: join(copy, 'services', NAME, 'dist/src/main.js'),
          roles: [NAME],
        });
      }
    });

    it('Compose runs it from the one image, with an environment its node accepts', async () => {
      const services = await composeServices(join(copy, 'infra/compose.yaml'));
      const service = services.find((s) => s.name === NAME);
      assert.ok(service, `no ${NAME} in compose.yaml`);
      assert.equal(service.image, services.find((s) => s.name === 'physics')?.image);
      assert.equal(service.environment.PACKETFLOW_SERVICE, NAME);
      assert.equal(service.environment.PACKETFLOW_ADVERTISE, `${NAME}:7400`);
      assert.equal(readNodeConfig(service.environment).nodeId, NAME);
    });

    it('the Kubernetes overlays run it: a valid Deployment in dev, two replicas and a disruption budget in prod', () => {
      const find = (objects: readonly RenderedObject[], kind: string) =>
        objects.find((o) => o.manifest.kind === kind && o.manifest.metadata.name === NAME);
      const dev = renderKustomization(join(copy, 'infra/k8s/overlays/dev'));
      const deployment = find(dev, 'Deployment');
      assert.ok(deployment, `no Deployment/${NAME} in the dev render`);
      assert.deepEqual(modelProblems(deployment.manifest), []);
      const env = podSpecOf(deployment.manifest)?.containers[0]?.env ?? [];
      assert.equal(env.find((v) => v.name === 'PACKETFLOW_SERVICE')?.value, NAME);
      const prod = renderKustomization(join(copy, 'infra/k8s/overlays/prod'));
      const spec = find(prod, 'Deployment')?.manifest.spec as { replicas?: number } | undefined;
      assert.equal(spec?.replicas, 2);
      assert.ok(find(prod, 'PodDisruptionBudget'), `no PodDisruptionBudget/${NAME} in the prod render`);
    });

    it('refuses the same name a second time', () => {
      const result = generate(NAME);
      assert.equal(result.status, 1);
      assert.match(result.stderr, new RegExp(`services/${NAME} already exists`));
    });
  });
});

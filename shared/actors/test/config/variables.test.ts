// The catalogue of the variables this package reads says what the code does: each requirement is one readNodeConfig
// enforces, and each default is what the code takes when the variable is unset. (That it names exactly the variables
// the code reads is checked by infra's tests, which scan every package.)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import {
  ACTORS_VARIABLES,
  type Env,
  type EnvVariable,
  LmdbStore,
  logLevelFromEnv,
  NodeConfigError,
  readNodeConfig,
  storeFromEnv,
} from '../../src/index.js';

const SECRET = 'a-secret-of-24-characters';
const REDIS_URL = 'redis://127.0.0.1:6379';

/** The problems readNodeConfig reports for `env`, as "VARIABLE: reason" lines; none when it accepts it. */
function problemsOf(env: Env): string[] {
  try {
    readNodeConfig(env);
    return [];
  } catch (error) {
    assert.ok(error instanceof NodeConfigError, String(error));
    return error.problems.map(({ variable, reason }) => `${variable}: ${reason}`);
  }
}

const entry = (name: string): EnvVariable => {
  const found = ACTORS_VARIABLES.find((variable) => variable.name === name);
  assert.ok(found, `ACTORS_VARIABLES lists ${name}`);
  return found;
};

/** For each variable with a requirement: an environment that needs it, and a value that satisfies it. */
const NEEDS: Record<string, { env: Env; value: string }> = {
  PACKETFLOW_NODE_ID: { env: { PACKETFLOW_PEERS: 'a=127.0.0.1:7401', PACKETFLOW_SECRET: SECRET }, value: 'a' },
  PACKETFLOW_PORT: { env: { PACKETFLOW_ADVERTISE: '10.0.0.5:7400' }, value: '7400' },
  PACKETFLOW_ADVERTISE: {
    env: { REDIS_URL, PACKETFLOW_SECRET: SECRET, PACKETFLOW_HOST: '0.0.0.0', PACKETFLOW_PORT: '7400' },
    value: '10.0.0.5:7400',
  },
  PACKETFLOW_SECRET: { env: { REDIS_URL }, value: SECRET },
  PACKETFLOW_ADMIN_PORT: { env: { PACKETFLOW_ADMIN_HOST: '0.0.0.0' }, value: '9464' },
};

describe('ACTORS_VARIABLES', () => {
  test('every requirement it states has an environment below that needs it', () => {
    const required = ACTORS_VARIABLES.filter((variable) => variable.required !== undefined).map((v) => v.name);
    assert.deepEqual(required.toSorted(), Object.keys(NEEDS).toSorted());
  });

  for (const [name, { env, value }] of Object.entries(NEEDS)) {
    test(`${name}: required where readNodeConfig refuses to start without it, and only there`, () => {
      const requirement = entry(name).required!;
      assert.equal(requirement.applies(env), true, `${name}: "${requirement.when}" applies to ${JSON.stringify(env)}`);
      const problems = problemsOf(env);
      assert.ok(
        problems.some((problem) => problem.includes(name)),
        `${name}: readNodeConfig(${JSON.stringify(env)}) names it, but said ${JSON.stringify(problems)}`,
      );
      assert.deepEqual(problemsOf({ ...env, [name]: value }), [], `${name}=${value} satisfies it`);
      assert.equal(requirement.applies({}), false, `${name} is not required of a cluster of one`);
    });
  }

  test('a cluster of one with nothing set needs none of them', () => {
    assert.deepEqual(problemsOf({}), []);
  });

  test('each default is what the code takes when the variable is unset (or empty)', async () => {
    const unset = readNodeConfig({});
    const redis = readNodeConfig({ REDIS_URL, PACKETFLOW_SECRET: SECRET });
    const admin = readNodeConfig({ PACKETFLOW_ADMIN_PORT: '0' });
    const actual: Record<string, string | undefined> = {
      PACKETFLOW_NODE_ID: unset.nodeId,
      PACKETFLOW_HOST: unset.host,
      PACKETFLOW_PORT: String(unset.port),
      PACKETFLOW_CLUSTER: redis.membership.kind === 'redis' ? redis.membership.cluster : undefined,
      PACKETFLOW_ADMIN_HOST: admin.admin?.host,
      PACKETFLOW_HEARTBEAT_MS: String(unset.heartbeatMs),
      PACKETFLOW_HEARTBEAT_MISSES: String(unset.heartbeatMisses),
      LOG_LEVEL: logLevelFromEnv({ LOG_LEVEL: '' }),
      PACKETFLOW_DATA_DIR: await dataDirOfStore(),
    };
    const expected = Object.fromEntries(
      ACTORS_VARIABLES.filter((variable) => variable.default !== undefined).map((variable) => [
        variable.name,
        variable.name === 'PACKETFLOW_NODE_ID'
          ? variable.default?.replace('<hostname>', hostname()).replace('<pid>', String(process.pid))
          : variable.default,
      ]),
    );
    assert.deepEqual(actual, expected);
  });
});

/** Where storeFromEnv opens its LMDB store with no variable set, relative to the working directory, as `./x`. */
async function dataDirOfStore(): Promise<string> {
  const cwd = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), 'packetflow-data-dir-'));
  process.chdir(dir);
  try {
    const store = storeFromEnv({ env: {} });
    assert.ok(store instanceof LmdbStore);
    await store.close();
    return `./${relative(process.cwd(), store.path)}`;
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
}

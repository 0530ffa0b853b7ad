// The catalogue of the gateway's own variables says what loadConfig does: each one changes the configuration, each
// default is what an unset variable gives, and each requirement is one loadConfig enforces. (That it names exactly
// the variables the code reads is checked by infra's tests, which scan every package.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EnvVariable } from '@packetflow/actors';
import { GATEWAY_VARIABLES, GatewayConfigError, loadConfig } from '../src/index.js';

type Env = Record<string, string>;

const secret: Env = { PACKETFLOW_TOKEN_SECRET: 'a-secret-of-16-chars-or-more' };
const REDIS_URL = 'redis://127.0.0.1:6379';

function problems(env: Env): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    assert.ok(error instanceof GatewayConfigError, String(error));
    return [...error.problems];
  }
}

const entry = (name: string): EnvVariable => {
  const found = GATEWAY_VARIABLES.find((variable) => variable.name === name);
  assert.ok(found, `GATEWAY_VARIABLES lists ${name}`);
  return found;
};

/** A value loadConfig accepts that is not the default: one more for numbers. */
const EXAMPLES: Env = {
  PACKETFLOW_TOKEN_SECRET: 'another-secret-of-16-chars',
  PACKETFLOW_GATEWAY_HOST: '0.0.0.0',
  PACKETFLOW_GATEWAY_PUBLIC_ADDRESS: 'gateway-1.example.com:2567',
  REDIS_URL,
  PACKETFLOW_RATE_LIMIT_EXEMPT: '10.0.0.0/8',
};
const exampleOf = (variable: EnvVariable): string => EXAMPLES[variable.name] ?? String(Number(variable.default) + 1);

describe('GATEWAY_VARIABLES', () => {
  for (const variable of GATEWAY_VARIABLES) {
    const unset = variable.default === undefined ? '' : `, and takes ${variable.default} when it is unset`;
    it(`${variable.name}: loadConfig reads it${unset}`, () => {
      const value = exampleOf(variable);
      assert.match(value, /\S/, `${variable.name}: an example value`);
      assert.notDeepEqual(
        loadConfig({ ...secret, [variable.name]: value }),
        loadConfig(secret),
        `${variable.name}=${value}`,
      );
      if (variable.default !== undefined) {
        assert.deepEqual(loadConfig({ ...secret, [variable.name]: variable.default }), loadConfig(secret));
        assert.deepEqual(loadConfig({ ...secret, [variable.name]: '' }), loadConfig(secret), 'empty counts as unset');
      }
    });
  }

  it('PACKETFLOW_TOKEN_SECRET: required always, as loadConfig requires it', () => {
    const requirement = entry('PACKETFLOW_TOKEN_SECRET').required!;
    assert.equal(requirement.applies({}), true);
    assert.ok(
      problems({}).some((problem) => problem.startsWith('PACKETFLOW_TOKEN_SECRET')),
      String(problems({})),
    );
    assert.deepEqual(problems(secret), []);
  });

  it('PACKETFLOW_GATEWAY_PUBLIC_ADDRESS: required where loadConfig refuses to start without it, and only there', () => {
    const name = 'PACKETFLOW_GATEWAY_PUBLIC_ADDRESS';
    const requirement = entry(name).required!;
    const needing: Env[] = [
      { ...secret, REDIS_URL, PACKETFLOW_GATEWAY_HOST: '0.0.0.0' },
      { ...secret, REDIS_URL, PACKETFLOW_GATEWAY_HOST: '::' },
      { ...secret, REDIS_URL, PACKETFLOW_GATEWAY_PORT: '0' },
    ];
    for (const env of needing) {
      assert.equal(requirement.applies(env), true, JSON.stringify(env));
      assert.ok(
        problems(env).some((problem) => problem.startsWith(name)),
        `${JSON.stringify(env)}: ${problems(env)}`,
      );
      assert.deepEqual(problems({ ...env, [name]: EXAMPLES[name]! }), []);
    }
    const notNeeding: Env[] = [
      { ...secret, REDIS_URL },
      { ...secret, PACKETFLOW_GATEWAY_HOST: '0.0.0.0' },
      { ...secret, REDIS_URL, PACKETFLOW_GATEWAY_HOST: '10.0.0.5', PACKETFLOW_GATEWAY_PORT: '2567' },
    ];
    for (const env of notNeeding) {
      assert.equal(requirement.applies(env), false, JSON.stringify(env));
      assert.deepEqual(problems(env), [], JSON.stringify(env));
    }
  });

  it('no other variable is required', () => {
    const required = GATEWAY_VARIABLES.filter((variable) => variable.required !== undefined).map((v) => v.name);
    assert.deepEqual(required.toSorted(), ['PACKETFLOW_GATEWAY_PUBLIC_ADDRESS', 'PACKETFLOW_TOKEN_SECRET']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readLauncherPorts } from '../src/port-variables.js';
import { DEFAULT_WEB_PORT } from '../src/web-server.js';

describe('the port variables of npm start', () => {
  it('leaves the defaults when the variables are unset or empty', () => {
    for (const env of [{}, { PACKETFLOW_GATEWAY_PORT: '', PACKETFLOW_WEB_PORT: '' }]) {
      assert.deepEqual(readLauncherPorts(env), {
        ok: true,
        ports: { gatewayPort: undefined, webPort: DEFAULT_WEB_PORT },
      });
    }
  });

  it('takes every integer from 0 to 65535', () => {
    for (const [text, port] of [
      ['0', 0],
      ['1', 1],
      ['2567', 2567],
      ['08080', 8080],
      ['65535', 65_535],
    ] as const) {
      assert.deepEqual(readLauncherPorts({ PACKETFLOW_GATEWAY_PORT: text, PACKETFLOW_WEB_PORT: text }), {
        ok: true,
        ports: { gatewayPort: port, webPort: port },
      });
    }
  });

  it('refuses anything else with one line naming the variable, what it takes and what it got', () => {
    for (const bad of ['65536', '99999', '123456', '-1', '80.5', '80.0', '8e1', '0x50', ' 80', '80 ', 'abc', 'NaN']) {
      assert.deepEqual(
        readLauncherPorts({ PACKETFLOW_GATEWAY_PORT: bad }),
        { ok: false, problems: [`PACKETFLOW_GATEWAY_PORT must be an integer 0–65535, got ${JSON.stringify(bad)}`] },
        bad,
      );
    }
  });

  it('names every bad variable at once', () => {
    assert.deepEqual(readLauncherPorts({ PACKETFLOW_GATEWAY_PORT: 'abc', PACKETFLOW_WEB_PORT: '70000' }), {
      ok: false,
      problems: [
        'PACKETFLOW_GATEWAY_PORT must be an integer 0–65535, got "abc"',
        'PACKETFLOW_WEB_PORT must be an integer 0–65535, got "70000"',
      ],
    });
  });
});

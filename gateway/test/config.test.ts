import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULTS, GatewayConfigError, loadConfig } from '../src/index.js';

const secret = { PACKETFLOW_TOKEN_SECRET: 'a-secret-of-16-chars-or-more' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof GatewayConfigError);
    return [...error.problems];
  }
  assert.fail('the configuration was accepted');
}

describe('gateway configuration', () => {
  it('has defaults for everything but the token secret', () => {
    const config = loadConfig(secret);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, DEFAULTS.port);
    assert.equal(config.reconnectWindowMs, 20_000);
    assert.equal(config.matchSize, 8);
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.publicAddress, undefined);
    assert.equal(config.guestRateLimit, 30);
    assert.equal(config.matchmakeRateLimit, 120);
    assert.deepEqual(config.rateLimitExempt, []);
    assert.equal(config.cutOffBanMs, 60_000);
  });

  it('reads the addresses the HTTP rate limits spare', () => {
    const config = loadConfig({ ...secret, PACKETFLOW_RATE_LIMIT_EXEMPT: ' 127.0.0.1 , ::1,10.0.0.0/8,' });
    assert.deepEqual(config.rateLimitExempt, ['127.0.0.1', '::1', '10.0.0.0/8']);
  });

  it('names every bad variable at once', () => {
    const found = problems({
      PACKETFLOW_TOKEN_SECRET: 'short',
      PACKETFLOW_GATEWAY_PORT: '70000',
      PACKETFLOW_MATCH_SIZE: 'eight',
      PACKETFLOW_RECONNECT_WINDOW_MS: '-1',
      PACKETFLOW_GATEWAY_HOST: 'bad host!',
      PACKETFLOW_MAX_INPUT_BYTES: '8192',
      PACKETFLOW_MAX_PAYLOAD_BYTES: '4096',
      REDIS_URL: 'http://nope',
      PACKETFLOW_GUEST_RATE_LIMIT: '0',
      PACKETFLOW_HTTP_RATE_WINDOW_MS: '1.5',
      PACKETFLOW_MAX_HTTP_BODY_BYTES: '10',
      PACKETFLOW_RATE_LIMIT_EXEMPT: '127.0.0.1, 10.0.0.0/33, localhost',
      PACKETFLOW_CUT_OFF_BAN_MS: 'a minute',
    });
    for (const name of [
      'PACKETFLOW_TOKEN_SECRET',
      'PACKETFLOW_GATEWAY_PORT=70000',
      'PACKETFLOW_MATCH_SIZE=eight',
      'PACKETFLOW_RECONNECT_WINDOW_MS=-1',
      'PACKETFLOW_GATEWAY_HOST=bad host!',
      'PACKETFLOW_MAX_INPUT_BYTES=8192',
      'REDIS_URL=http://nope',
      'PACKETFLOW_GUEST_RATE_LIMIT=0',
      'PACKETFLOW_HTTP_RATE_WINDOW_MS=1.5',
      'PACKETFLOW_MAX_HTTP_BODY_BYTES=10',
      'PACKETFLOW_RATE_LIMIT_EXEMPT=127.0.0.1, 10.0.0.0/33, localhost: "10.0.0.0/33" is not an IP address',
      'PACKETFLOW_CUT_OFF_BAN_MS=a minute',
    ]) {
      assert.ok(
        found.some((p) => p.startsWith(name)),
        `${name} in ${JSON.stringify(found)}`,
      );
    }
  });

  it('with Redis, tells clients where this gateway is: its address, or the one given', () => {
    const redis = { ...secret, REDIS_URL: 'redis://127.0.0.1:6379' };
    assert.equal(loadConfig({ ...redis, PACKETFLOW_GATEWAY_PORT: '2570' }).publicAddress, '127.0.0.1:2570');
    assert.equal(
      loadConfig({ ...redis, PACKETFLOW_GATEWAY_PUBLIC_ADDRESS: 'play.example.com:443' }).publicAddress,
      'play.example.com:443',
    );
    assert.ok(problems({ ...redis, PACKETFLOW_GATEWAY_PORT: '0' })[0]!.startsWith('PACKETFLOW_GATEWAY_PUBLIC_ADDRESS'));
    assert.ok(
      problems({ ...redis, PACKETFLOW_GATEWAY_HOST: '0.0.0.0' })[0]!.startsWith('PACKETFLOW_GATEWAY_PUBLIC_ADDRESS'),
    );
  });
});

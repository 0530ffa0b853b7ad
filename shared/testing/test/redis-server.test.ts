import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { RedisServer } from '../src/index.js';

function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().trim());
    });
    socket.once('error', reject);
  });
}

test('a redis-server of its own answers, dies on SIGKILL and comes back on the same port', async () => {
  const redis = await RedisServer.start({ appendonly: true });
  try {
    assert.notEqual(redis.port, 6379);
    assert.equal(redis.url, `redis://127.0.0.1:${redis.port}`);
    assert.equal(await ping(redis.port), '+PONG');
    await redis.kill();
    await assert.rejects(ping(redis.port));
    await redis.restart();
    assert.equal(await ping(redis.port), '+PONG');
  } finally {
    await redis.stop();
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redisConnectionOptions } from '../src/redis/redis-outages.js';

test('a redis URL gives host, port, database and credentials; commands wait for the connection', () => {
  assert.deepEqual(redisConnectionOptions('redis://127.0.0.1:6380'), {
    host: '127.0.0.1',
    port: 6380,
    db: 0,
    maxRetriesPerRequest: null,
  });
  assert.deepEqual(redisConnectionOptions('rediss://user:p%40ss@redis.example:7000/3'), {
    host: 'redis.example',
    port: 7000,
    username: 'user',
    password: 'p@ss',
    db: 3,
    tls: {},
    maxRetriesPerRequest: null,
  });
  assert.deepEqual(redisConnectionOptions('redis://:secret@[::1]'), {
    host: '::1',
    port: 6379,
    password: 'secret',
    db: 0,
    maxRetriesPerRequest: null,
  });
});

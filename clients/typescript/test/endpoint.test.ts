import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEndpoint } from '../src/endpoint.js';

describe('parseEndpoint', () => {
  it('gives both forms of an address from either form', () => {
    assert.deepEqual(parseEndpoint('http://127.0.0.1:2567'), {
      http: 'http://127.0.0.1:2567',
      ws: 'ws://127.0.0.1:2567',
    });
    assert.deepEqual(parseEndpoint('ws://127.0.0.1:2567/'), {
      http: 'http://127.0.0.1:2567',
      ws: 'ws://127.0.0.1:2567',
    });
    assert.deepEqual(parseEndpoint('wss://play.example.com'), {
      http: 'https://play.example.com',
      ws: 'wss://play.example.com',
    });
  });

  it('keeps a path prefix, for a gateway behind a proxy, without its trailing slash', () => {
    assert.deepEqual(parseEndpoint('https://example.com/game/'), {
      http: 'https://example.com/game',
      ws: 'wss://example.com/game',
    });
  });

  it('refuses what is not a gateway base address', () => {
    for (const bad of ['localhost:2567', 'ftp://example.com', 'http://example.com/?a=1', 'http://example.com/#x', '']) {
      assert.throws(() => parseEndpoint(bad), TypeError, bad);
    }
  });
});

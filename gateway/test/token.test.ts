import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { issueGuestToken, verifyToken } from '../src/token.js';

const secret = 'unit-secret-0123456789';

describe('tokens', () => {
  it('verifies a token it issued until it expires', () => {
    const issued = issueGuestToken(secret, 1000, 5000);
    assert.deepEqual(verifyToken(secret, issued.token, 5999), {
      ok: true,
      claims: { playerId: issued.playerId, kind: 'guest', expiresAt: 6000 },
    });
    assert.deepEqual(verifyToken(secret, issued.token, 6000), { ok: false, reason: 'expired' });
  });

  it('refuses other secrets, edits and garbage', () => {
    const issued = issueGuestToken(secret, 1000);
    assert.equal(verifyToken('another-secret-0123456789', issued.token).ok, false);
    const [payload, signature] = issued.token.split('.') as [string, string];
    const other = Buffer.from(JSON.stringify({ v: 1, sub: 'admin', kind: 'guest', exp: 9e15 })).toString('base64url');
    assert.deepEqual(verifyToken(secret, `${other}.${signature}`), { ok: false, reason: 'bad signature' });
    assert.deepEqual(verifyToken(secret, `${payload}.${signature}.x`), { ok: false, reason: 'malformed' });
    for (const garbage of ['', '.', 'a.', '.b', 'a.b', '%%.%%', 'x'.repeat(5000), 42, null, undefined]) {
      assert.equal(verifyToken(secret, garbage).ok, false, String(garbage));
    }
  });
});

// Signed player tokens: base64url(JSON payload) + "." + base64url(HMAC-SHA256(secret, payload part)).
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  /** The player id the token speaks for. */
  readonly playerId: string;
  /** `guest` for tokens from `POST /auth/guest`. */
  readonly kind: 'guest';
  /** Expiry, milliseconds since the epoch. */
  readonly expiresAt: number;
}

export interface IssuedToken extends TokenClaims {
  readonly token: string;
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: TokenClaims }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'bad signature' | 'expired' };

/** Tokens longer than this are refused before any decoding. */
export const MAX_TOKEN_LENGTH = 1024;

function sign(secret: string, payloadPart: string): Buffer {
  return createHmac('sha256', secret).update(payloadPart).digest();
}

export function issueGuestToken(secret: string, ttlMs: number, now: number = Date.now()): IssuedToken {
  const claims: TokenClaims = { playerId: `guest-${randomUUID()}`, kind: 'guest', expiresAt: now + ttlMs };
  const payloadPart = Buffer.from(
    JSON.stringify({ v: 1, sub: claims.playerId, kind: claims.kind, exp: claims.expiresAt }),
  ).toString('base64url');
  return { ...claims, token: `${payloadPart}.${sign(secret, payloadPart).toString('base64url')}` };
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function verifyToken(secret: string, token: unknown, now: number = Date.now()): TokenCheck {
  if (typeof token !== 'string' || token.length === 0) return { ok: false, reason: 'missing' };
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  const [payloadPart, signaturePart] = parts;
  if (
    parts.length !== 2 ||
    !payloadPart ||
    !signaturePart ||
    !BASE64URL.test(payloadPart) ||
    !BASE64URL.test(signaturePart)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const expected = sign(secret, payloadPart);
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad signature' };
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof payload !== 'object' || payload === null) return { ok: false, reason: 'malformed' };
  const { v, sub, kind, exp } = payload as Record<string, unknown>;
  if (
    v !== 1 ||
    typeof sub !== 'string' ||
    sub.length === 0 ||
    kind !== 'guest' ||
    typeof exp !== 'number' ||
    !Number.isFinite(exp)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (exp <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { playerId: sub, kind, expiresAt: exp } };
}

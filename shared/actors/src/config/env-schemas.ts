import { z } from 'zod';
import { isHost, parseHostPort } from './addresses.js';
import { isName, NAME_RULE } from './names.js';
import { Secret } from './secret.js';
import { parsePeers } from './static-peers.js';

/** What each variable accepts; the messages name what was expected and what came, since they end up in front of a person. */

const got = (input: unknown): string => `got ${JSON.stringify(input)}`;

export const MIN_SECRET_LENGTH = 16;

export const nodeIdSchema = z
  .string()
  .refine(isName, { error: (issue) => `expected ${NAME_RULE}, ${got(issue.input)}` });

export const rolesSchema = z
  .string()
  .transform((value) => value.split(',').map((role) => role.trim()))
  .refine((roles) => roles.every(isName), {
    error: (issue) => `expected a comma-separated list of actor kinds, each ${NAME_RULE}, ${got(String(issue.input))}`,
  });

export const hostSchema = z
  .string()
  .refine(isHost, { error: (issue) => `expected an IP address or host name to listen on, ${got(issue.input)}` });

export const portSchema = z
  .string()
  .refine((value) => /^\d{1,5}$/.test(value) && Number(value) <= 65_535, {
    error: (issue) => `expected an integer 0–65535, ${got(issue.input)}`,
  })
  .transform(Number);

/** A whole number in [min, max], as a variable gives it. */
export function wholeNumberSchema(min: number, max: number) {
  return z
    .string()
    .refine((value) => /^\d{1,9}$/.test(value) && Number(value) >= min && Number(value) <= max, {
      error: (issue) => `expected a whole number ${min}–${max}, ${got(issue.input)}`,
    })
    .transform(Number);
}

export const advertiseSchema = z.string().refine((value) => parseHostPort(value) !== undefined, {
  error: (issue) =>
    `expected host:port that the other members dial, port 1–65535 (e.g. 10.0.0.5:7400), ${got(issue.input)}`,
});

// The value never appears in a message: only its length does.
export const secretSchema = z
  .string()
  .refine((value) => value.length >= MIN_SECRET_LENGTH, {
    error: (issue) => `must be at least ${MIN_SECRET_LENGTH} characters, got ${String(issue.input).length} characters`,
  })
  .transform((value) => new Secret(value));

export const clusterNameSchema = nodeIdSchema;

export const redisUrlSchema = z.string().refine(isRedisUrl, {
  error: (issue) => `expected a redis:// or rediss:// URL, ${got(withoutPassword(String(issue.input)))}`,
});

export const peersSchema = z.string().transform((value, ctx) => {
  const { peers, problems } = parsePeers(value);
  for (const message of problems) ctx.issues.push({ code: 'custom', message, input: value });
  return peers;
});

function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** A Redis URL may carry a password; an error message must not. */
function withoutPassword(value: string): string {
  try {
    const url = new URL(value);
    if (url.password !== '') url.password = '***';
    return url.href;
  } catch {
    return value.replace(/:[^:@/]*@/, ':***@');
  }
}

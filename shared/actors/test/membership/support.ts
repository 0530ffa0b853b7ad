import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import type { Logger } from '../../src/behavior.js';
import type { MemberInfo, Membership } from '../../src/membership/index.js';
import { RedisMembership } from '../../src/membership/index.js';

/** Small timings so expiry tests take well under a second each. */
export const fastTimings = { ttlMs: 600, heartbeatMs: 200, fullReadMs: 200 } as const;

let clusterCount = 0;

/** A cluster name of its own per test, so tests sharing one redis-server never see each other's members. */
export function uniqueCluster(): string {
  clusterCount++;
  return `test-${process.pid}-${clusterCount}`;
}

export function memberInfo(id: string, overrides: Partial<MemberInfo> = {}): MemberInfo {
  return {
    id,
    roles: ['game-logic'],
    address: `127.0.0.1:${7000 + id.length}`,
    startedAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function ids(members: readonly MemberInfo[]): string[] {
  return members.map((member) => member.id);
}

/** A logger that keeps every line so tests can assert on what was reported, without printing it. */
export function linesLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (message: string, fields?: Record<string, unknown>) =>
    lines.push(fields ? `${message} ${JSON.stringify(fields)}` : message);
  return { lines, info: record, warn: record, error: record };
}

export async function startRedisMember(
  url: string,
  cluster: string,
  self: MemberInfo,
  logger: Logger = linesLogger(),
): Promise<RedisMembership> {
  const membership = new RedisMembership({ url, cluster, logger, ...fastTimings });
  await membership.start(self);
  return membership;
}

/** Every view a membership announces, in order. */
export function recordViews(membership: Membership): MemberInfo[][] {
  const views: MemberInfo[][] = [];
  membership.onChange((members) => views.push([...members]));
  return views;
}

/** A plain client for looking at or tampering with what the memberships keep in Redis. */
export async function rawClient(url: string): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** A member in a child process of its own, so it can be SIGKILLed like a crashing host. */
export async function spawnMemberProcess(url: string, cluster: string, id: string): Promise<ChildProcess> {
  const script = new URL('./fixtures/member-process.js', import.meta.url);
  const child = spawn(process.execPath, [script.pathname, url, cluster, id, JSON.stringify(fastTimings)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`member process ${id} exited with ${code} before it was ready`)));
    lines.once('line', (line) => (line === 'ready' ? resolve() : reject(new Error(`member process said ${line}`))));
  });
  return child;
}

export async function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

import type { z } from 'zod';
import { defaultNodeId } from '../logging/logger.js';
import { isLoopback, isWildcard } from './addresses.js';
import {
  advertiseSchema,
  clusterNameSchema,
  hostSchema,
  MIN_SECRET_LENGTH,
  nodeIdSchema,
  peersSchema,
  portSchema,
  redisUrlSchema,
  rolesSchema,
  secretSchema,
  wholeNumberSchema,
} from './env-schemas.js';
import type { Secret } from './secret.js';
import type { StaticPeer } from './static-peers.js';

export type Env = Readonly<Record<string, string | undefined>>;

export type MembershipConfig =
  /** Members from PACKETFLOW_PEERS, this node among them; no peers at all is a cluster of one. */
  | { readonly kind: 'static'; readonly peers: readonly StaticPeer[] }
  | { readonly kind: 'redis'; readonly url: string; readonly cluster: string };

export interface NodeConfig {
  readonly nodeId: string;
  /** Actor kinds this node hosts; undefined: the kinds registered on its system. */
  readonly roles: readonly string[] | undefined;
  /** Interface to listen on. */
  readonly host: string;
  /** Port to listen on; 0 is any free port. */
  readonly port: number;
  /** host:port the other members dial; undefined: the address it listens on. */
  readonly advertise: string | undefined;
  /** Undefined only for a cluster of one, which nobody else can join. */
  readonly secret: Secret | undefined;
  readonly membership: MembershipConfig;
  /** Where the admin HTTP endpoint (/healthz, /readyz, /metrics) listens; undefined: no admin endpoint. */
  readonly admin: AdminAddress | undefined;
  /** How often a heartbeat goes to each peer, in ms. */
  readonly heartbeatMs: number;
  /** Heartbeats a peer may leave unanswered before its link counts as dead. */
  readonly heartbeatMisses: number;
}

export interface AdminAddress {
  readonly host: string;
  /** 0 is any free port. */
  readonly port: number;
}

export interface ConfigProblem {
  readonly variable: string;
  readonly reason: string;
}

/** Every problem found in the environment at once, so one failed start shows everything to fix. */
export class NodeConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `invalid node configuration:\n${problems.map(({ variable, reason }) => `  ${variable}: ${reason}`).join('\n')}`,
    );
    this.name = 'NodeConfigError';
  }
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_CLUSTER = 'packetflow';
export const DEFAULT_HEARTBEAT_MS = 400;
export const DEFAULT_HEARTBEAT_MISSES = 3;

/**
 * Reads a node's configuration from environment variables (see the README's Cluster section) and validates all of
 * it; throws a `NodeConfigError` listing every bad variable. An empty variable counts as unset.
 */
export function readNodeConfig(env: Env = process.env): NodeConfig {
  const problems: ConfigProblem[] = [];
  const problem = (variable: string, reason: string) => problems.push({ variable, reason });
  const isSet = (variable: string) => env[variable] !== undefined && env[variable] !== '';
  const read = <T>(variable: string, schema: z.ZodType<T, string>): T | undefined => {
    if (!isSet(variable)) return undefined;
    const result = schema.safeParse(env[variable]);
    if (result.success) return result.data;
    for (const issue of result.error.issues) problem(variable, issue.message);
    return undefined;
  };

  const givenNodeId = read('PACKETFLOW_NODE_ID', nodeIdSchema);
  const nodeId = givenNodeId ?? defaultNodeId();
  const roles = read('PACKETFLOW_ROLES', rolesSchema);
  const host = read('PACKETFLOW_HOST', hostSchema);
  const port = read('PACKETFLOW_PORT', portSchema);
  const advertise = read('PACKETFLOW_ADVERTISE', advertiseSchema);
  const secret = read('PACKETFLOW_SECRET', secretSchema);
  const cluster = read('PACKETFLOW_CLUSTER', clusterNameSchema) ?? DEFAULT_CLUSTER;
  const redisUrl = read('REDIS_URL', redisUrlSchema);
  const peers = read('PACKETFLOW_PEERS', peersSchema);
  const adminHost = read('PACKETFLOW_ADMIN_HOST', hostSchema);
  const adminPort = read('PACKETFLOW_ADMIN_PORT', portSchema);
  const heartbeatMs = read('PACKETFLOW_HEARTBEAT_MS', wholeNumberSchema(10, 60_000)) ?? DEFAULT_HEARTBEAT_MS;
  const heartbeatMisses = read('PACKETFLOW_HEARTBEAT_MISSES', wholeNumberSchema(1, 100)) ?? DEFAULT_HEARTBEAT_MISSES;

  const usesRedis = isSet('REDIS_URL');
  const usesPeers = isSet('PACKETFLOW_PEERS');
  if (usesRedis && usesPeers) {
    problem('PACKETFLOW_PEERS', 'set together with REDIS_URL: choose one membership, Redis or a static list');
  }
  if ((usesRedis || usesPeers) && !isSet('PACKETFLOW_SECRET')) {
    problem(
      'PACKETFLOW_SECRET',
      `required when the node has peers (PACKETFLOW_PEERS) or uses Redis (REDIS_URL): the same secret of at least ` +
        `${MIN_SECRET_LENGTH} characters on every member`,
    );
  }

  const self = peers?.find((peer) => peer.id === nodeId);
  if (peers && !self) {
    const hint = givenNodeId === undefined ? ' (the default PACKETFLOW_NODE_ID; set it to an id from the list)' : '';
    problem(
      'PACKETFLOW_PEERS',
      `does not list this node ${JSON.stringify(nodeId)}${hint}: every member, clients too, must be listed so that ` +
        'the others can reach it',
    );
  }
  if (self) {
    const listed = `PACKETFLOW_PEERS lists ${self.id} at ${self.address}`;
    if (port !== undefined && port !== self.port) problem('PACKETFLOW_PORT', `${port}, but ${listed}`);
    if (advertise !== undefined && advertise !== self.address) {
      problem('PACKETFLOW_ADVERTISE', `${advertise}, but ${listed}`);
    }
    if (roles !== undefined && !sameSet(roles, self.roles)) {
      problem('PACKETFLOW_ROLES', `"${roles.join(',')}", but ${listed} with roles "${self.roles.join('+')}"`);
    }
    if (host === undefined && !isLoopback(self.host)) {
      problem(
        'PACKETFLOW_HOST',
        `unset, so this node would listen on loopback only, but ${listed}: set it (e.g. 0.0.0.0) to listen there`,
      );
    }
  } else if (advertise !== undefined && (port ?? 0) === 0) {
    problem('PACKETFLOW_PORT', 'required with PACKETFLOW_ADVERTISE: the others dial a fixed port, so listen on one');
  }
  if (usesRedis && host !== undefined && isWildcard(host) && advertise === undefined) {
    problem(
      'PACKETFLOW_ADVERTISE',
      `required when PACKETFLOW_HOST is ${host}: the others cannot dial a wildcard address; give the host:port they dial`,
    );
  }
  if (isSet('PACKETFLOW_ADMIN_HOST') && !isSet('PACKETFLOW_ADMIN_PORT')) {
    problem('PACKETFLOW_ADMIN_HOST', 'set without PACKETFLOW_ADMIN_PORT, so no admin endpoint would listen there');
  }
  if (problems.length > 0) throw new NodeConfigError(problems);

  return {
    nodeId,
    roles: roles ?? self?.roles,
    host: host ?? (self ? self.host : DEFAULT_HOST),
    port: self?.port ?? port ?? 0,
    advertise: self?.address ?? advertise,
    secret,
    membership:
      redisUrl !== undefined ? { kind: 'redis', url: redisUrl, cluster } : { kind: 'static', peers: peers ?? [] },
    // Loopback unless configured, whatever PACKETFLOW_HOST says: metrics and health are nobody else's business.
    admin: adminPort === undefined ? undefined : { host: adminHost ?? DEFAULT_HOST, port: adminPort },
    heartbeatMs,
    heartbeatMisses,
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

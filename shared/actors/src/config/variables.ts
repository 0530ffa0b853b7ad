import { isWildcard } from './addresses.js';
import { MIN_SECRET_LENGTH } from './env-schemas.js';
import { type EnvVariable, isVariableSet } from './env-variable.js';

const EVERY_NODE = 'every node';
const STORE_USERS = 'nodes that open their store with storeFromEnv';

/**
 * The variables @packetflow/actors reads: every service's node configuration (readNodeConfig), its logs
 * (createLogger) and its store (storeFromEnv). infra's tests keep this list equal to the names in this package's code.
 */
export const ACTORS_VARIABLES: readonly EnvVariable[] = [
  {
    name: 'PACKETFLOW_NODE_ID',
    readBy: EVERY_NODE,
    required: {
      when: 'with PACKETFLOW_PEERS (the default id is in no list)',
      applies: (env) => isVariableSet(env, 'PACKETFLOW_PEERS'),
    },
    default: '<hostname>-<pid>',
    description: "this member's id, 1–128 letters, digits or _ . : -; also the node label of logs and metrics",
  },
  {
    name: 'PACKETFLOW_ROLES',
    readBy: EVERY_NODE,
    description: 'comma list of the actor kinds this node hosts (every kind the service registers unless set)',
  },
  {
    name: 'PACKETFLOW_HOST',
    readBy: EVERY_NODE,
    default: '127.0.0.1',
    description: 'interface the cluster port listens on (0.0.0.0 to be reached from other machines)',
  },
  {
    name: 'PACKETFLOW_PORT',
    readBy: EVERY_NODE,
    required: {
      when: 'with PACKETFLOW_ADVERTISE, unless PACKETFLOW_PEERS gives the port',
      applies: (env) => isVariableSet(env, 'PACKETFLOW_ADVERTISE') && !isVariableSet(env, 'PACKETFLOW_PEERS'),
    },
    default: '0',
    description: 'cluster port to listen on; 0 is any free port',
  },
  {
    name: 'PACKETFLOW_ADVERTISE',
    readBy: EVERY_NODE,
    required: {
      when: 'with REDIS_URL when PACKETFLOW_HOST is 0.0.0.0 or ::',
      applies: (env) => isVariableSet(env, 'REDIS_URL') && isWildcard(env.PACKETFLOW_HOST ?? ''),
    },
    description: 'host:port the other members dial (the address it listens on unless set)',
  },
  {
    name: 'PACKETFLOW_SECRET',
    readBy: EVERY_NODE,
    required: {
      when: 'with REDIS_URL or PACKETFLOW_PEERS',
      applies: (env) => isVariableSet(env, 'REDIS_URL') || isVariableSet(env, 'PACKETFLOW_PEERS'),
    },
    description: `the cluster secret members prove to each other, the same on every member, ${MIN_SECRET_LENGTH} characters or more`,
  },
  {
    name: 'PACKETFLOW_CLUSTER',
    readBy: EVERY_NODE,
    default: 'packetflow',
    description: "with Redis: the cluster's name, prefix of its keys and channel, so clusters can share one Redis",
  },
  {
    name: 'REDIS_URL',
    readBy: EVERY_NODE,
    description: 'redis:// or rediss:// URL: membership in Redis, and stores opened with storeFromEnv there too',
  },
  {
    name: 'PACKETFLOW_PEERS',
    readBy: EVERY_NODE,
    description:
      'static membership, every member listed: id=host:port/role1+role2, comma-separated (not with REDIS_URL)',
  },
  {
    name: 'PACKETFLOW_ADMIN_HOST',
    readBy: EVERY_NODE,
    default: '127.0.0.1',
    description: 'interface the admin endpoint (/healthz, /readyz, /metrics) listens on',
  },
  {
    name: 'PACKETFLOW_ADMIN_PORT',
    readBy: EVERY_NODE,
    required: { when: 'with PACKETFLOW_ADMIN_HOST', applies: (env) => isVariableSet(env, 'PACKETFLOW_ADMIN_HOST') },
    description: 'port of the admin endpoint (/healthz, /readyz, /metrics); no admin endpoint unless set',
  },
  {
    name: 'PACKETFLOW_HEARTBEAT_MS',
    readBy: EVERY_NODE,
    default: '400',
    description:
      'ms between heartbeats to each peer (10–60000); a link with PACKETFLOW_HEARTBEAT_MISSES of them unanswered is dead',
  },
  {
    name: 'PACKETFLOW_HEARTBEAT_MISSES',
    readBy: EVERY_NODE,
    default: '3',
    description:
      'heartbeats unanswered (1–100) before a peer counts as gone and its actors move: 3 × 400 ms finds a dead host in ~1.2 s',
  },
  {
    name: 'PACKETFLOW_DATA_DIR',
    readBy: STORE_USERS,
    default: './data',
    description: 'directory of the embedded LMDB store, when REDIS_URL is not set',
  },
  {
    name: 'LOG_LEVEL',
    readBy: EVERY_NODE,
    default: 'info',
    description: 'fatal, error, warn, info, debug, trace or silent; logs are JSON lines',
  },
];

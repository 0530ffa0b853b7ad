import type { EnvVariable } from '@packetflow/actors';
import { DEFAULT_GUEST_TTL_MS } from './storage/guest-expiry.js';

const PLAYER_STORE = 'player-store';

/**
 * The variables the player store reads (playerStorageFromEnv) besides every node's (@packetflow/actors). infra's
 * tests keep this list equal to the names in this package's code.
 */
export const PLAYER_STORE_VARIABLES: readonly EnvVariable[] = [
  {
    name: 'REDIS_URL',
    readBy: PLAYER_STORE,
    description: 'redis:// or rediss:// URL: players kept in Redis, one hash <PACKETFLOW_CLUSTER>:player:<id> each',
  },
  {
    name: 'PACKETFLOW_CLUSTER',
    readBy: PLAYER_STORE,
    default: 'packetflow',
    description: "with REDIS_URL: the prefix of the players' keys",
  },
  {
    name: 'PACKETFLOW_DATA_DIR',
    readBy: PLAYER_STORE,
    default: './data',
    description: 'without REDIS_URL: players kept in LMDB under <dir>/players',
  },
  {
    name: 'PACKETFLOW_GUEST_RECORD_TTL_MS',
    readBy: PLAYER_STORE,
    default: String(DEFAULT_GUEST_TTL_MS),
    description:
      "how long a guest's record unused is kept, in milliseconds (31 days unless set); longer than the gateway's guest token lifetime",
  },
];

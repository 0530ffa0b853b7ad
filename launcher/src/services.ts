// The backend's services: which program each one is, what it hosts, and in which order they start.
import { MATCH_KIND, PHYSICS_KIND, PLAYER_KIND } from '@packetflow/protocol';

export type ServiceName =
  | 'physics'
  | 'player-store'
  | 'game-logic'
  | 'services'
  | 'gateway'
  | 'backend'
  | 'leaderboard';

export interface ServiceSpec {
  readonly name: ServiceName;
  /** The file that runs it: with Node, unless `command` runs it. */
  readonly entry: string;
  /** Actor kinds it hosts, as listed in PACKETFLOW_PEERS. */
  readonly roles: readonly string[];
  /** It takes players (the gateway, or a process that is also the gateway): it gets a port for them. */
  readonly gateway?: true;
  /**
   * How a service in another language is run (the Python leaderboard): its program, arguments and variables of its
   * own. Node flags do not apply to it, and it has no admin endpoint.
   */
  readonly command?: {
    readonly program: string;
    readonly args: readonly string[];
    readonly env: Readonly<Record<string, string>>;
  };
}

/** A workspace package's entry point: `main.js` beside its compiled index. */
function mainOf(packageName: string): string {
  return new URL('./main.js', import.meta.resolve(packageName)).pathname;
}

const gateway: ServiceSpec = { name: 'gateway', entry: mainOf('@packetflow/gateway'), roles: [], gateway: true };

/**
 * How the services are laid out in processes. `separate`: one process per service, as in production (and
 * `npm start`). `together`: physics, player-store and game-logic in one process, the gateway in another. `single`:
 * all of it in the gateway's process (single-process.ts), the cheapest on one machine, with one core's reach.
 *
 * The gateway starts last, so that by the time it takes players every service it calls is up, and stops first, so
 * that leaving players reach the match and the player store while both are still there; game-logic stops before
 * physics and the player store, so its last checkpoints and leaves reach them.
 */
export const LAYOUTS = {
  separate: [
    { name: 'physics', entry: mainOf('@packetflow/physics'), roles: [PHYSICS_KIND] },
    { name: 'player-store', entry: mainOf('@packetflow/player-store'), roles: [PLAYER_KIND] },
    { name: 'game-logic', entry: mainOf('@packetflow/game-logic'), roles: [MATCH_KIND] },
    gateway,
  ],
  together: [
    {
      name: 'services',
      entry: new URL('./services-together.js', import.meta.url).pathname,
      roles: [PHYSICS_KIND, PLAYER_KIND, MATCH_KIND],
    },
    gateway,
  ],
  single: [
    {
      name: 'backend',
      entry: new URL('./single-process.js', import.meta.url).pathname,
      roles: [PHYSICS_KIND, PLAYER_KIND, MATCH_KIND],
      gateway: true,
    },
  ],
} as const satisfies Record<string, readonly ServiceSpec[]>;

export type Layout = keyof typeof LAYOUTS;

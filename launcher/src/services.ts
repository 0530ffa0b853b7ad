// The backend's services: which package each one is, what it hosts, and in which order they start.

export type ServiceName = 'physics' | 'player-store' | 'game-logic' | 'gateway';

export interface ServiceSpec {
  readonly name: ServiceName;
  /** The workspace package whose `dist/src/main.js` runs the service. */
  readonly packageName: string;
  /** Actor kinds it hosts, as listed in PACKETFLOW_PEERS. */
  readonly roles: readonly string[];
}

/**
 * The gateway starts last, so that by the time it takes players every service it calls is up, and stops first, so
 * that leaving players reach the match and the player store while both are still there; game-logic stops before
 * physics and the player store, so its last checkpoints and leaves reach them.
 */
export const SERVICES: readonly ServiceSpec[] = [
  { name: 'physics', packageName: '@packetflow/physics', roles: ['physics'] },
  { name: 'player-store', packageName: '@packetflow/player-store', roles: ['player'] },
  { name: 'game-logic', packageName: '@packetflow/game-logic', roles: ['match'] },
  { name: 'gateway', packageName: '@packetflow/gateway', roles: [] },
];

/** The entry point of a service: `main.js` beside the package's compiled index. */
export function entryPoint(spec: ServiceSpec): string {
  return new URL('./main.js', import.meta.resolve(spec.packageName)).pathname;
}

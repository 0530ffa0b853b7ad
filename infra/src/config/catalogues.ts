import { ACTORS_VARIABLES, type EnvVariable } from '@packetflow/actors';
import { GAME_LOGIC_VARIABLES } from '@packetflow/game-logic';
import { GATEWAY_VARIABLES } from '@packetflow/gateway';
import { PLAYER_STORE_VARIABLES } from '@packetflow/player-store';
import { UWS_VARIABLES } from '@packetflow/uws';

/** A package's list of the variables it reads, and the module that holds it (which names them all, so no scan). */
export interface Catalogue {
  readonly package: string;
  /** Relative to the package's folder. */
  readonly module: string;
  readonly variables: readonly EnvVariable[];
}

/** Every package that reads the environment; a PacketFlow package not listed here reads none. */
export const CATALOGUES: readonly Catalogue[] = [
  { package: '@packetflow/actors', module: 'src/config/variables.ts', variables: ACTORS_VARIABLES },
  { package: '@packetflow/uws', module: 'src/variables.ts', variables: UWS_VARIABLES },
  { package: '@packetflow/gateway', module: 'src/config-variables.ts', variables: GATEWAY_VARIABLES },
  { package: '@packetflow/game-logic', module: 'src/variables.ts', variables: GAME_LOGIC_VARIABLES },
  { package: '@packetflow/player-store', module: 'src/variables.ts', variables: PLAYER_STORE_VARIABLES },
];

export function catalogueOf(packageName: string): Catalogue | undefined {
  return CATALOGUES.find((catalogue) => catalogue.package === packageName);
}

// The services' own checks of their environment, run on a deployed container's environment: what the service
// would refuse at start fails a test instead. Only the pure ones: the player store's guest TTL is read when its
// storage opens, which needs the storage itself.
import { logLevelFromEnv, NodeConfigError, readNodeConfig } from '@packetflow/actors';
import { tickRateFromEnv } from '@packetflow/game-logic';
import { GatewayConfigError, loadConfig } from '@packetflow/gateway';
import type { ImageService } from '../docker/runtime-packages.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface Validator {
  /** The function, as messages name it. */
  readonly name: string;
  /** What it refuses in `env`, one line each; none when it accepts it. */
  readonly refusals: (env: Env) => string[];
}

const NODE: readonly Validator[] = [
  {
    name: 'readNodeConfig',
    refusals: (env) =>
      refusalsOf(
        () => readNodeConfig(env),
        (error) =>
          error instanceof NodeConfigError ? error.problems.map((p) => `${p.variable}: ${p.reason}`) : undefined,
      ),
  },
  { name: 'logLevelFromEnv', refusals: (env) => refusalsOf(() => logLevelFromEnv(env)) },
];

export const SERVICE_VALIDATORS: Readonly<Record<ImageService, readonly Validator[]>> = {
  gateway: [
    ...NODE,
    {
      name: 'loadConfig',
      refusals: (env) =>
        refusalsOf(
          () => loadConfig({ ...env }),
          (error) => (error instanceof GatewayConfigError ? [...error.problems] : undefined),
        ),
    },
  ],
  'game-logic': [...NODE, { name: 'tickRateFromEnv', refusals: (env) => refusalsOf(() => tickRateFromEnv(env)) }],
  physics: NODE,
  'player-store': NODE,
};

/** What a reader threw, as lines: its own list of problems when it has one, else its message. */
function refusalsOf(
  read: () => unknown,
  problems: (error: unknown) => string[] | undefined = () => undefined,
): string[] {
  try {
    read();
    return [];
  } catch (error) {
    return problems(error) ?? [error instanceof Error ? error.message : String(error)];
  }
}

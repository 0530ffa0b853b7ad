import { ALLOW_FALLBACK_VARIABLE } from './loader.js';

/**
 * The variables this package reads, each shaped as @packetflow/actors' EnvVariable (this package depends on nothing
 * to import the type from). infra's tests keep this list equal to the names in this package's code.
 */
export const UWS_VARIABLES: readonly {
  readonly name: string;
  readonly readBy: string;
  readonly description: string;
}[] = [
  {
    name: ALLOW_FALLBACK_VARIABLE,
    readBy: 'processes that load uWebSockets.js (the gateway)',
    description:
      '1 lets the gateway run on the pure-JS fallback when no native build loads: many times slower, never to serve',
  },
];

import type { EnvVariable } from '@packetflow/actors';

/**
 * The variables game-logic reads besides every node's (@packetflow/actors). infra's tests keep this list equal to
 * the names in this package's code.
 */
export const GAME_LOGIC_VARIABLES: readonly EnvVariable[] = [
  {
    name: 'PACKETFLOW_TICK_RATE',
    readBy: 'game-logic',
    default: '30',
    description: 'ticks per second of every match on the host, 1 to 1000',
  },
];

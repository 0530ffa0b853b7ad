import type { Env } from './node-config.js';

/**
 * One environment variable a package reads, as its catalogue lists it: deployment files are checked against these,
 * and infra/VARIABLES.md is written from them.
 */
export interface EnvVariable {
  readonly name: string;
  /** Which processes read it, in words: `every node`, `the gateway`. */
  readonly readBy: string;
  /** When a process that reads it refuses to start without it; never unless set. */
  readonly required?: Requirement;
  /** The value an unset (or empty) variable stands for; unset: what it means is in the description. */
  readonly default?: string;
  /** What it does, in one line. */
  readonly description: string;
}

export interface Requirement {
  /** When, in words: `always`, `with REDIS_URL or PACKETFLOW_PEERS`. */
  readonly when: string;
  /** Whether a process started with `env` needs the variable set. */
  readonly applies: (env: Env) => boolean;
}

export const ALWAYS: Requirement = { when: 'always', applies: () => true };

/** Set and not empty: every reader of the environment in PacketFlow takes an empty variable as unset. */
export function isVariableSet(env: Env, name: string): boolean {
  const value = env[name];
  return value !== undefined && value !== '';
}

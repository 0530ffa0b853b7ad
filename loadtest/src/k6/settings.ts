// What a scenario's virtual users do, from `-e NAME=value` (k6's __ENV) over each scenario's defaults.

export interface SessionSettings {
  /** The gateway's base address (GATEWAY): where tokens, matchmaking and rooms are. */
  readonly gateway: string;
  /** Inputs each player sends a second (INPUT_RATE). */
  readonly inputRate: number;
  /** How long a player stays in its match before leaving it (SESSION_SECONDS). */
  readonly sessionSeconds: number;
  /** The mean pause between leaving a match and asking for the next (THINK_SECONDS); each is 0.5–1.5 times it. */
  readonly thinkSeconds: number;
  /** How long to wait for the gateway's `joined` after the room opened (JOIN_TIMEOUT_SECONDS). */
  readonly joinTimeoutSeconds: number;
  /**
   * A VU's first iteration waits a random part of this before it starts (START_SPREAD_SECONDS, 0 unless set). With
   * long pauses (a population of players, some in a match, most in the menus), a spread of a session and a pause
   * keeps the share in matches steady from the start instead of everyone playing their first match at once.
   */
  readonly startSpreadSeconds: number;
}

export const DEFAULT_GATEWAY = 'http://127.0.0.1:2567';

/** A number from the environment above zero, or (`allowZero`) zero too. */
function numberFromEnv(name: string, fallback: number, { allowZero = false } = {}): number {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0 || (allowZero && value === 0)) || !Number.isFinite(value)) {
    throw new Error(`${name}=${raw}: expected a ${allowZero ? 'number of 0 or more' : 'positive number'}`);
  }
  return value;
}

/** A count from the environment (VUS and the like), for options computed at init. */
export function countFromEnv(name: string, fallback: number): number {
  return Math.round(numberFromEnv(name, fallback));
}

/** A k6 duration string from the environment (DURATION and the like). */
export function durationFromEnv(name: string, fallback: string): string {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(raw)) throw new Error(`${name}=${raw}: expected a duration such as 90s or 5m`);
  return raw;
}

export function sessionSettings(defaults: Partial<SessionSettings> = {}): SessionSettings {
  return {
    gateway: __ENV.GATEWAY || defaults.gateway || DEFAULT_GATEWAY,
    inputRate: numberFromEnv('INPUT_RATE', defaults.inputRate ?? 10),
    sessionSeconds: numberFromEnv('SESSION_SECONDS', defaults.sessionSeconds ?? 60),
    thinkSeconds: numberFromEnv('THINK_SECONDS', defaults.thinkSeconds ?? 1),
    joinTimeoutSeconds: numberFromEnv('JOIN_TIMEOUT_SECONDS', defaults.joinTimeoutSeconds ?? 15),
    startSpreadSeconds: numberFromEnv('START_SPREAD_SECONDS', defaults.startSpreadSeconds ?? 0, { allowZero: true }),
  };
}

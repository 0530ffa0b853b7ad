// When the chaos run kills a service, and which: every `every` from the start, a service drawn from a seeded
// generator, so that a seed names a run's whole sequence of victims and a surprising run can be played again.

export const SERVICES = ['physics', 'player-store', 'game-logic', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface PlannedKill {
  /** From the start of the bots' play, in ms. */
  readonly atMs: number;
  readonly service: ServiceName;
}

export interface KillScheduleSettings {
  readonly seed: number;
  readonly everyMs: number;
  readonly durationMs: number;
  /** The services to draw from, each as likely as the others. */
  readonly services: readonly ServiceName[];
}

/**
 * mulberry32: a tiny generator with good enough spread for picking among four, and the same numbers from the same
 * seed on every platform, which Math.random cannot give.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * A kill at every multiple of `everyMs` that leaves a whole `everyMs` after it before the end of the run: each kill
 * gets a window as long as the others in which to see what the players saw (120 s every 20 s: 20, 40, 60, 80, 100).
 */
export function killSchedule({ seed, everyMs, durationMs, services }: KillScheduleSettings): PlannedKill[] {
  if (services.length === 0) throw new Error('no service to kill');
  const random = seededRandom(seed);
  const kills: PlannedKill[] = [];
  for (let atMs = everyMs; atMs + everyMs <= durationMs; atMs += everyMs) {
    kills.push({ atMs, service: services[Math.floor(random() * services.length)]! });
  }
  return kills;
}

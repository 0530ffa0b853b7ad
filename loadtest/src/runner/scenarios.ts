// k6's `options` turned into scenarios the runner can schedule: the shortcuts (vus and duration, stages,
// iterations) become the executor k6 would make of them, a `default` scenario; `scenarios` are checked as given.
import { parseDuration } from './duration.js';

export interface Stage {
  readonly durationMs: number;
  readonly target: number;
}

interface Common {
  readonly name: string;
  /** The exported function the VUs run. */
  readonly exec: string;
  readonly startTimeMs: number;
  readonly gracefulStopMs: number;
}

export type Scenario =
  | (Common & { readonly executor: 'constant-vus'; readonly vus: number; readonly durationMs: number })
  | (Common & {
      readonly executor: 'ramping-vus';
      readonly startVUs: number;
      readonly stages: readonly Stage[];
      readonly gracefulRampDownMs: number;
    })
  | (Common & {
      readonly executor: 'per-vu-iterations';
      readonly vus: number;
      readonly iterations: number;
      readonly maxDurationMs: number;
    });

const DEFAULT_GRACE = '30s';
const DEFAULT_MAX_DURATION = '10m';

function count(value: unknown, what: string, fallback: number, min = 0): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TypeError(`${what}: ${JSON.stringify(value)} is not a whole number of at least ${min}`);
  }
  return value;
}

function stages(value: unknown, what: string): Stage[] {
  if (!Array.isArray(value) || value.length === 0) throw new TypeError(`${what}: at least one stage is needed`);
  return value.map((stage: { duration?: unknown; target?: unknown }, i) => ({
    durationMs: parseDuration(stage?.duration, `${what}[${i}].duration`),
    target: count(stage?.target, `${what}[${i}].target`, Number.NaN),
  }));
}

function scenario(name: string, config: Record<string, unknown>): Scenario {
  const what = `scenarios.${name}`;
  const common: Common = {
    name,
    exec: typeof config.exec === 'string' ? config.exec : 'default',
    startTimeMs: config.startTime === undefined ? 0 : parseDuration(config.startTime, `${what}.startTime`),
    gracefulStopMs: parseDuration(config.gracefulStop ?? DEFAULT_GRACE, `${what}.gracefulStop`),
  };
  switch (config.executor) {
    case 'constant-vus':
      return {
        ...common,
        executor: 'constant-vus',
        vus: count(config.vus, `${what}.vus`, 1, 1),
        durationMs: parseDuration(config.duration, `${what}.duration`),
      };
    case 'ramping-vus':
      return {
        ...common,
        executor: 'ramping-vus',
        startVUs: count(config.startVUs, `${what}.startVUs`, 1),
        stages: stages(config.stages, `${what}.stages`),
        gracefulRampDownMs: parseDuration(config.gracefulRampDown ?? DEFAULT_GRACE, `${what}.gracefulRampDown`),
      };
    case 'per-vu-iterations':
      return {
        ...common,
        executor: 'per-vu-iterations',
        vus: count(config.vus, `${what}.vus`, 1, 1),
        iterations: count(config.iterations, `${what}.iterations`, 1, 1),
        maxDurationMs: parseDuration(config.maxDuration ?? DEFAULT_MAX_DURATION, `${what}.maxDuration`),
      };
    default:
      throw new TypeError(
        `${what}.executor: ${JSON.stringify(config.executor)} is not supported by this runner ` +
          '(it runs constant-vus, ramping-vus and per-vu-iterations)',
      );
  }
}

/** The scenarios of a script's `options`, as k6 derives them. */
export function scenariosOf(options: Record<string, unknown>): Scenario[] {
  if (options.scenarios !== undefined) {
    const entries = Object.entries(options.scenarios as Record<string, Record<string, unknown>>);
    if (entries.length === 0) throw new TypeError('options.scenarios: no scenario');
    return entries.map(([name, config]) => scenario(name, config));
  }
  const vus = options.vus;
  if (options.stages !== undefined) {
    return [scenario('default', { executor: 'ramping-vus', startVUs: vus ?? 1, stages: options.stages })];
  }
  if (options.duration !== undefined) {
    return [scenario('default', { executor: 'constant-vus', vus: vus ?? 1, duration: options.duration })];
  }
  const iterations = count(options.iterations, 'options.iterations', 1, 1);
  if ((vus ?? 1) !== 1) {
    throw new TypeError('options.iterations shared by several VUs (shared-iterations) is not supported by this runner');
  }
  return [scenario('default', { executor: 'per-vu-iterations', vus: 1, iterations })];
}

/** VUs a constant or ramping scenario wants running `ms` after its start; undefined once it has ended. */
export function targetVus(scenario: Scenario, ms: number): number | undefined {
  switch (scenario.executor) {
    case 'constant-vus':
      return ms < scenario.durationMs ? scenario.vus : undefined;
    case 'per-vu-iterations':
      return ms < scenario.maxDurationMs ? scenario.vus : undefined;
    case 'ramping-vus': {
      let from = scenario.startVUs;
      let at = 0;
      for (const stage of scenario.stages) {
        if (ms < at + stage.durationMs) {
          const value = from + ((stage.target - from) * (ms - at)) / stage.durationMs;
          // A VU starts once the ramp has reached it and stops once the ramp has gone below it.
          return stage.target >= from ? Math.floor(value) : Math.ceil(value);
        }
        at += stage.durationMs;
        from = stage.target;
      }
      return undefined;
    }
  }
}

/** The most VUs a scenario runs at once. */
export function maxVus(scenario: Scenario): number {
  return scenario.executor === 'ramping-vus'
    ? Math.max(scenario.startVUs, ...scenario.stages.map((s) => s.target))
    : scenario.vus;
}

/** How long the scenario starts iterations for, before its graceful stop. */
export function activeMs(scenario: Scenario): number {
  switch (scenario.executor) {
    case 'constant-vus':
      return scenario.durationMs;
    case 'per-vu-iterations':
      return scenario.maxDurationMs;
    case 'ramping-vus':
      return scenario.stages.reduce((sum, s) => sum + s.durationMs, 0);
  }
}

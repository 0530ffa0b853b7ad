import type RAPIER from '@dimforge/rapier3d-compat';

/** The Rapier module's API (both variants share it). */
export type Rapier = typeof RAPIER;

/**
 * Which Rapier3D Wasm build runs the worlds: `compat` is `@dimforge/rapier3d-compat` (scalar Wasm), `simd` is
 * `@dimforge/rapier3d-simd-compat` (Wasm SIMD128). Results are deterministic within one variant, not across them,
 * so a snapshot restores only into a world of the variant and version that took it.
 */
export type RapierVariant = 'compat' | 'simd';

export const RAPIER_VARIANTS: readonly RapierVariant[] = ['compat', 'simd'];

/**
 * The variant `initPhysics()` loads when none is named: `simd`, about twice as fast per match step as `compat` on the
 * physics benchmark and passing the same tests (the README has the figures).
 */
export const DEFAULT_RAPIER_VARIANT: RapierVariant = 'simd';

/** An initialized Rapier module. */
export interface PhysicsEngine {
  readonly variant: RapierVariant;
  readonly packageName: string;
  /** Rapier's own version string, e.g. `0.21.0`. */
  readonly version: string;
  readonly rapier: Rapier;
}

const PACKAGES: Record<RapierVariant, string> = {
  compat: '@dimforge/rapier3d-compat',
  simd: '@dimforge/rapier3d-simd-compat',
};

const loading = new Map<RapierVariant, Promise<PhysicsEngine>>();
let defaultEngine: PhysicsEngine | undefined;

async function load(variant: RapierVariant): Promise<PhysicsEngine> {
  const packageName = PACKAGES[variant];
  const module = (await import(packageName)) as { default: Rapier };
  const rapier = module.default;
  await rapier.init();
  return { variant, packageName, version: rapier.version(), rapier };
}

/**
 * Loads and initializes a Rapier variant (once per process; later calls return the same engine). The first engine
 * initialized becomes the default that `physicsWorldBehavior()` uses unless it is given one.
 */
export async function initPhysics(variant: RapierVariant = DEFAULT_RAPIER_VARIANT): Promise<PhysicsEngine> {
  if (!RAPIER_VARIANTS.includes(variant)) throw new Error(`unknown Rapier variant ${String(variant)}`);
  let pending = loading.get(variant);
  if (pending === undefined) {
    pending = load(variant);
    loading.set(variant, pending);
    pending.catch(() => loading.delete(variant));
  }
  const engine = await pending;
  defaultEngine ??= engine;
  return engine;
}

/** The default engine; throws unless `await initPhysics()` has completed. */
export function physicsEngine(): PhysicsEngine {
  if (defaultEngine === undefined) throw new Error('Rapier is not initialized: await initPhysics() first');
  return defaultEngine;
}

// What a k6 script finds without importing anything: __ENV, and __VU and __ITER of the VU whose code is running
// (0 outside any VU, as in the init context that reads `options`). Loading the script registers the k6 modules.
import { register } from 'node:module';
import { currentVu, type Vu } from '../k6-api/vu.js';

let installed = false;

export function installScriptGlobals(env: Readonly<Record<string, string>>): void {
  if (installed) return;
  installed = true;
  register(new URL('./k6-module-hooks.js', import.meta.url));
  Object.defineProperty(globalThis, '__ENV', { value: { ...env }, writable: true, configurable: true });
  Object.defineProperty(globalThis, '__VU', { get: () => currentVu()?.id ?? 0, configurable: true });
  Object.defineProperty(globalThis, '__ITER', {
    get: () => Math.max(0, currentVu()?.iteration ?? 0),
    configurable: true,
  });
}

/** What a k6 script module exports that the runner uses. */
export interface ScriptModule {
  readonly options?: unknown;
  readonly default?: unknown;
  readonly [name: string]: unknown;
}

/**
 * Loads the script for one VU: a module instance of its own (k6 gives each VU its own runtime), its top level run
 * as that VU's init context.
 */
export function loadScript(scriptUrl: string, vu: Vu): Promise<ScriptModule> {
  return vu.init(() => import(`${scriptUrl}?vu=${vu.id}`) as Promise<ScriptModule>);
}

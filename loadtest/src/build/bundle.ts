// Bundles a scenario (src/scenarios/<name>.ts) into a k6 script, dist/<name>.js, and what every scenario imports
// (src/k6/packetflow.ts) into one library module beside it, dist/lib/packetflow.js: the match session, the
// FlatBuffers runtime, the generated tables and the protocol package, with a UTF-8 codec in place of the
// TextEncoder/TextDecoder globals k6 lacks. Both leave the k6 modules as imports. Real k6 runs the script; so does
// this package's runner.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';

/** The package's root folder, from dist/src/build. */
export const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));

const scenariosDir = `${packageRoot}src/scenarios/`;

/** The scenarios there are sources for: `smoke`, `soak`, … */
export function scenarioNames(): string[] {
  return readdirSync(scenariosDir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.slice(0, -3))
    .sort();
}

/** Where the bundle of a scenario goes. */
export function bundlePath(name: string): string {
  return `${packageRoot}dist/${name}.js`;
}

/** Where the library module goes, and how a scenario bundle imports it (relative to itself). */
export const libraryPath = () => `${packageRoot}dist/lib/packetflow.js`;
export const LIBRARY_IMPORT = './lib/packetflow.js';

/** Settings both bundles share: ES modules for k6, with k6's own modules left as imports. */
const common: BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  // k6's JavaScript engine runs async functions but not every later syntax.
  target: 'es2017',
  external: ['k6', 'k6/*'],
  legalComments: 'none',
  logLevel: 'warning',
};

/** Leaves the scenario's import of the library as an import of the library's bundle. */
const libraryAsImport: Plugin = {
  name: 'packetflow-library',
  setup(build) {
    build.onResolve({ filter: /\/k6\/packetflow\.js$/ }, () => ({ path: LIBRARY_IMPORT, external: true }));
  },
};

/** Bundles the library module every scenario imports. */
async function bundleLibrary(): Promise<void> {
  await build({
    ...common,
    entryPoints: [`${packageRoot}src/k6/packetflow.ts`],
    outfile: libraryPath(),
    inject: [`${packageRoot}src/k6/text-codec-globals.ts`],
    banner: { js: '// k6 module bundled from src/k6/packetflow.ts by @packetflow/loadtest; do not edit.' },
  });
}

/** Bundles scenarios (all unless named), and once the library they import; resolves with their k6 scripts' paths. */
export async function bundleScenarios(names: readonly string[] = scenarioNames()): Promise<string[]> {
  const unknown = names.filter((name) => !scenarioNames().includes(name));
  if (unknown.length > 0) {
    throw new Error(`no scenario ${unknown.join(', ')}: expected one of ${scenarioNames().join(', ')}`);
  }
  await bundleLibrary();
  await build({
    ...common,
    entryPoints: Object.fromEntries(names.map((name) => [name, `${scenariosDir}${name}.ts`])),
    outdir: `${packageRoot}dist`,
    plugins: [libraryAsImport],
    banner: { js: '// k6 script bundled from src/scenarios by @packetflow/loadtest; do not edit.' },
  });
  return names.map(bundlePath);
}

/**
 * Bundles the chaos run's bots (src/k6/chaos-bots.ts) as a scenario is bundled, to dist/chaos-bots.js beside the
 * library they share; resolves with its path. Not a scenario: it runs on this package's runner only.
 */
export async function bundleChaosBots(): Promise<string> {
  await bundleLibrary();
  await build({
    ...common,
    entryPoints: { 'chaos-bots': `${packageRoot}src/k6/chaos-bots.ts` },
    outdir: `${packageRoot}dist`,
    plugins: [libraryAsImport],
    banner: { js: '// runner script bundled from src/k6/chaos-bots.ts by @packetflow/loadtest; do not edit.' },
  });
  return bundlePath('chaos-bots');
}

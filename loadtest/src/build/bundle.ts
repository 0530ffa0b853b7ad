// Bundles a scenario (src/scenarios/<name>.ts) into one k6 script, dist/<name>.js: the FlatBuffers runtime, the
// generated tables and the protocol package inside, a UTF-8 codec in place of the TextEncoder/TextDecoder globals
// k6 lacks, and the k6 modules left as imports. Real k6 runs that file; so does this package's runner.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

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

/** Bundles one scenario and resolves with the path of its k6 script. */
export async function bundleScenario(name: string): Promise<string> {
  if (!scenarioNames().includes(name)) {
    throw new Error(`no scenario ${name}: expected one of ${scenarioNames().join(', ')}`);
  }
  const outfile = bundlePath(name);
  await build({
    entryPoints: [`${scenariosDir}${name}.ts`],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    // k6's JavaScript engine runs async functions but not every later syntax.
    target: 'es2017',
    external: ['k6', 'k6/*'],
    inject: [`${packageRoot}src/k6/text-codec-globals.ts`],
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: `// k6 script bundled from src/scenarios/${name}.ts by @packetflow/loadtest; do not edit.` },
  });
  return outfile;
}

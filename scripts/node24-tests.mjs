// The second half of `npm test`: the launcher's, gateway's and end-to-end tests again, under Node 24 in a Debian 13
// (trixie) root, the Node and glibc of the container image. Debian 12's glibc loads no uWebSockets.js build for Node
// 24, so this is where the code is proven on the Node it ships with. It needs the build (the root's library is
// @packetflow/testing's dist).
import { realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const repoRoot = realpathSync(join(import.meta.dirname, '..'));

/** The workspaces whose tests run again under Node 24: the ones that start the gateway or the whole backend. */
export const NODE24_PACKAGES = ['launcher', 'gateway', 'e2e'];

/** Where each package's Node 24 JUnit file goes, beside (not over) the Node 20 run's test-results/junit.xml. */
const RESULTS_DIR = join('test-results', 'node24');

export function node24ResultFile(workspace) {
  return join(repoRoot, workspace, RESULTS_DIR, 'junit.xml');
}

/** What the tests read from the environment, as turbo passes it through to the Node 20 run (turbo.json). */
function passedThroughEnv() {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name === 'CI' || name.startsWith('PACKETFLOW_')),
  );
}

/**
 * Runs each workspace's compiled tests in the root, one after another, with scripts/run-package-tests.mjs under the
 * root's Node. Resolves to the reason when no root can be had here, or undefined once every workspace ran (each
 * wrote its JUnit file, or did not if it broke before its tests ran). Throws when the root cannot be built.
 */
export async function runNode24Tests(workspaces) {
  const testing = await import(pathToFileURL(join(repoRoot, 'shared', 'testing', 'dist', 'src', 'index.js')).href);
  const unavailable = testing.trixieRootUnavailable();
  if (unavailable !== undefined) return unavailable;
  // debootstrap names every package it fetches and checks; the rest of its lines say where the build is.
  const onProgress = (line) => {
    if (!/^I: (Retrieving|Validating) /.test(line)) console.log(`trixie root: ${line}`);
  };
  const root = await testing.trixieRoot({ onProgress });
  for (const workspace of workspaces) {
    rmSync(node24ResultFile(workspace), { force: true });
    console.log(`\n${workspace} (Node 24): its tests under ${root.nodeVersion} in the Debian 13 root ${root.dir}`);
    const child = testing.spawnInRoot(
      root,
      root.node,
      [join(repoRoot, 'scripts', 'run-package-tests.mjs'), '--results', RESULTS_DIR],
      { binds: [repoRoot], cwd: join(repoRoot, workspace), env: passedThroughEnv(), stdio: 'inherit' },
    );
    await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
  }
  return undefined;
}

// Which workspace packages a deployed service runs on: the four services and every workspace package they depend on
// at run time (`dependencies`, not `devDependencies`), found from the package.json files themselves.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WorkspacePackage {
  readonly name: string;
  /** Relative to the repository root, e.g. `services/physics`. */
  readonly dir: string;
  /** Run-time dependencies that are workspace packages. */
  readonly workspaceDependencies: readonly string[];
}

/** The value of PACKETFLOW_SERVICE for each service the image runs, and its package. */
export const IMAGE_SERVICES = {
  gateway: '@packetflow/gateway',
  'game-logic': '@packetflow/game-logic',
  physics: '@packetflow/physics',
  'player-store': '@packetflow/player-store',
} as const;

export type ImageService = keyof typeof IMAGE_SERVICES;

interface Manifest {
  name?: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
}

const readManifest = (file: string): Manifest => JSON.parse(readFileSync(file, 'utf8')) as Manifest;

/** Every workspace package by name, as npm resolves the root's `workspaces` (folders and `folder/*`). */
export function workspacePackages(repo: string): Map<string, WorkspacePackage> {
  const dirs = (readManifest(join(repo, 'package.json')).workspaces ?? []).flatMap((entry) => {
    if (!entry.endsWith('/*')) return [entry];
    const parent = entry.slice(0, -2);
    return readdirSync(join(repo, parent), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `${parent}/${e.name}`);
  });
  const manifests = dirs
    .filter((dir) => existsSync(join(repo, dir, 'package.json')))
    .map((dir) => ({ dir, manifest: readManifest(join(repo, dir, 'package.json')) }));
  const names = new Set(manifests.map(({ manifest }) => manifest.name));
  return new Map(
    manifests.map(({ dir, manifest }) => [
      manifest.name ?? dir,
      {
        name: manifest.name ?? dir,
        dir,
        workspaceDependencies: Object.keys(manifest.dependencies ?? {}).filter((dep) => names.has(dep)),
      },
    ]),
  );
}

/** The services' packages and their run-time closure, sorted by folder. */
export function runtimePackages(repo: string): WorkspacePackage[] {
  const all = workspacePackages(repo);
  const found = new Map<string, WorkspacePackage>();
  const visit = (name: string): void => {
    const pkg = all.get(name);
    if (!pkg) throw new Error(`${name} is not a workspace package of ${repo}`);
    if (found.has(name)) return;
    found.set(name, pkg);
    for (const dep of pkg.workspaceDependencies) visit(dep);
  };
  for (const name of Object.values(IMAGE_SERVICES)) visit(name);
  return [...found.values()].sort((a, b) => a.dir.localeCompare(b.dir));
}

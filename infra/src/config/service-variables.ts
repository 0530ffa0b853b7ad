// Which variables each service's process reads: the catalogues of its package and of every PacketFlow library it
// runs on (its run-time dependencies, transitively), and the image's, since every service runs in the image. Another
// service's package among its dependencies (the gateway uses player-store's messages) brings its libraries along but
// not its variables: a service reads those in its own entry point only (player-store's storage, game-logic's tick).
import type { EnvVariable } from '@packetflow/actors';
import {
  IMAGE_SERVICES,
  type ImageService,
  type WorkspacePackage,
  workspacePackages,
} from '../docker/runtime-packages.js';
import { infraFile } from '../paths.js';
import { catalogueOf } from './catalogues.js';
import { IMAGE_VARIABLES } from './image-variables.js';

export const REPO_ROOT = infraFile('..');

/** Where a read variable's catalogue entry comes from: a package's name, or the image. */
export const IMAGE = 'the image';

export interface ReadVariable extends EnvVariable {
  readonly source: string;
}

export const SERVICES = Object.keys(IMAGE_SERVICES) as ImageService[];

export function isService(value: string): value is ImageService {
  return Object.hasOwn(IMAGE_SERVICES, value);
}

/** The package and every workspace package it depends on at run time, transitively, each once, itself first. */
export function runtimeClosure(name: string, packages: ReadonlyMap<string, WorkspacePackage>): string[] {
  const seen: string[] = [];
  const visit = (current: string): void => {
    if (seen.includes(current)) return;
    const pkg = packages.get(current);
    if (pkg === undefined) throw new Error(`${current}: not a workspace package`);
    seen.push(current);
    for (const dependency of pkg.workspaceDependencies) visit(dependency);
  };
  visit(name);
  return seen;
}

/** The packages whose catalogues a service's process reads: its own and every library it runs on. */
export function readingPackages(service: ImageService, packages: ReadonlyMap<string, WorkspacePackage>): string[] {
  const otherServices: readonly string[] = Object.values(IMAGE_SERVICES).filter(
    (name) => name !== IMAGE_SERVICES[service],
  );
  return runtimeClosure(IMAGE_SERVICES[service], packages).filter((name) => !otherServices.includes(name));
}

/** Every catalogue entry a service's process reads; a name several packages read appears once per package. */
export function variablesOfService(
  service: ImageService,
  packages: ReadonlyMap<string, WorkspacePackage> = workspacePackages(REPO_ROOT),
): ReadVariable[] {
  return [
    ...readingPackages(service, packages).flatMap((name) =>
      (catalogueOf(name)?.variables ?? []).map((variable) => ({ ...variable, source: name })),
    ),
    ...IMAGE_VARIABLES.map((variable) => ({ ...variable, source: IMAGE })),
  ];
}

// Types of system-packages.mjs, for the test that imports it from @packetflow/testing.
export interface SystemPackage {
  /** The Debian package name. */
  readonly apt: string;
  /** A command on PATH that shows the package is installed. */
  readonly command?: string;
  /** Or a file that does. */
  readonly file?: string;
  readonly why: string;
  /** Installed without its Recommends (docker-compose's are a whole Docker engine). */
  readonly withoutRecommends?: boolean;
}

export interface OsRelease {
  readonly id: string;
  readonly idLike: readonly string[];
}

export type InstallPlan =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'install'; readonly commands: readonly (readonly string[])[] }
  | { readonly kind: 'tell'; readonly line: string };

export const SYSTEM_PACKAGES: readonly SystemPackage[];
export function defaultPath(): string;
export function missingPackages(packages?: readonly SystemPackage[], path?: string): SystemPackage[];
export function readOsRelease(file: string): OsRelease;
export function installPlan(facts: {
  readonly missing: readonly SystemPackage[];
  readonly osRelease: OsRelease | undefined;
  readonly isRoot: boolean;
  readonly hasAptGet: boolean;
}): InstallPlan;
export function ensureSystemPackages(): boolean;

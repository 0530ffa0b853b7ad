// Finds the first native uWebSockets.js build that loads here. Each candidate names one `.node` file, which is
// required directly: a package's own entry point may hide a failed native load behind a slow pure-JS server.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One place a native build may come from. `locate` returns the `.node` file to load, or throws why there is none. */
export interface NativeCandidate {
  /** The npm package as published, with its version, e.g. `@btc-vision/uwebsockets.js@20.57.0`. */
  readonly name: string;
  readonly locate: () => string;
}

export interface FailedCandidate {
  readonly name: string;
  readonly reason: string;
}

/** Which build loaded, for the log line a server prints at start. */
export interface NativeBuild {
  /** The candidate that loaded, e.g. `@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0`. */
  readonly name: string;
  /** The `.node` file the module came from. */
  readonly file: string;
  /** The candidates tried before it, and why each did not load. */
  readonly skipped: readonly FailedCandidate[];
  /** True only when no native build loaded and the pure-JS fallback was allowed in its place. */
  readonly fallback: boolean;
}

export interface LoadedNativeBuild {
  readonly build: NativeBuild;
  /** The addon's exports, as the native module returned them. */
  readonly module: Record<string, unknown>;
}

const require = createRequire(import.meta.url);

/** `uws_<platform>_<arch>_<abi>.node`, the file name both packages use for their builds. */
export function nativeFileName(): string {
  return `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
}

function platformText(): string {
  return `${process.platform} ${process.arch}, Node ${process.version} (ABI ${process.versions.modules})`;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  // Node prints the dlopen failure (e.g. a missing GLIBC version) on the last line of a package's wrapped error.
  return lines.find((line) => line.startsWith('Error:'))?.slice('Error: '.length) ?? lines[0] ?? 'unknown error';
}

/**
 * A candidate for an installed package that ships `uws_<platform>_<arch>_<abi>.node` files. `alias` is the name it
 * is installed under (the npm alias in this package's optionalDependencies), `subdirectory` where its builds live.
 */
export function packageCandidate(name: string, alias: string, subdirectory: string): NativeCandidate {
  return {
    name,
    locate: () => {
      let entry: string;
      try {
        entry = require.resolve(alias);
      } catch {
        throw new Error(`not installed (optional dependency ${alias} is missing)`);
      }
      // The package root holds package.json; both packages' entry points sit at most one folder below it.
      let root = dirname(entry);
      if (!existsSync(join(root, 'package.json'))) root = dirname(root);
      const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version;
      const file = join(root, subdirectory, nativeFileName());
      if (!existsSync(file)) throw new Error(`no build for ${platformText()} in ${name} (installed: ${version})`);
      return file;
    },
  };
}

/** The builds this package depends on, newest first. */
export function defaultCandidates(): NativeCandidate[] {
  return [
    // Node 20–25 on glibc ≥ 2.38, macOS, Windows.
    packageCandidate('@btc-vision/uwebsockets.js@20.57.0', 'uws-btc-vision', '.'),
    // Node 16–20 on glibc ≥ 2.27; its JS entry falls back to a pure-JS server, so only its binaries/ are used.
    packageCandidate('@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0', 'uws-trufflesuite', 'binaries'),
  ];
}

/**
 * The variable that allows the pure-JS fallback when no native build loads. It is many times slower and
 * changes every figure PacketFlow measures: for trying things out on a machine no build supports, never to serve.
 */
export const ALLOW_FALLBACK_VARIABLE = 'PACKETFLOW_UWS_ALLOW_JS_FALLBACK';

/** What stands in when no native build loads and the fallback is allowed: its name and a loader of its module. */
export interface FallbackModule {
  readonly name: string;
  readonly file: string;
  readonly load: () => Record<string, unknown>;
}

/** trufflesuite's package entry, which serves from a pure-JS implementation when its native build does not load. */
export function defaultFallback(): FallbackModule {
  const name = '@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0 (pure-JS fallback)';
  return {
    name,
    get file() {
      return require.resolve('uws-trufflesuite');
    },
    load: () => require('uws-trufflesuite') as Record<string, unknown>,
  };
}

/**
 * Loads the first candidate whose `.node` file loads and exports `App`. When none does, throws one error naming every
 * failure, unless `fallback` is given (the fallback was allowed): then loads that instead and says so.
 */
export function loadNativeBuild(candidates: readonly NativeCandidate[], fallback?: FallbackModule): LoadedNativeBuild {
  const failed: FailedCandidate[] = [];
  for (const candidate of candidates) {
    try {
      const file = candidate.locate();
      if (!file.endsWith('.node')) throw new Error(`${file} is not a native addon (.node) file`);
      const module = require(file) as Record<string, unknown>;
      if (typeof module.App !== 'function') throw new Error(`${file} loaded but exports no App function`);
      return { build: { name: candidate.name, file, skipped: failed, fallback: false }, module };
    } catch (error) {
      failed.push({ name: candidate.name, reason: firstLine(error) });
    }
  }
  if (fallback !== undefined) {
    return {
      build: { name: fallback.name, file: fallback.file, skipped: failed, fallback: true },
      module: fallback.load(),
    };
  }
  const tried =
    failed.length === 0 ? ['  (no candidates were given)'] : failed.map((f) => `  - ${f.name}: ${f.reason}`);
  throw new Error(
    [
      `No native uWebSockets.js build loads on ${platformText()}. Tried:`,
      ...tried,
      'Builds: @btc-vision/uwebsockets.js for Node 20–25 on glibc ≥ 2.38; @trufflesuite/uws-js-unofficial for Node 16–20 ' +
        'on glibc ≥ 2.27. Install optional dependencies (npm install without --omit=optional) or switch Node version; ' +
        `${ALLOW_FALLBACK_VARIABLE}=1 runs on a pure-JS fallback instead, many times slower.`,
    ].join('\n'),
  );
}

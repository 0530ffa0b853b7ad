// The uWebSockets.js API, taken from the native build that loaded. Types are the ones the trufflesuite package ships
// (uWebSockets.js v20.30's index.d.ts); the btc-vision build (v20.57) has the same surface plus a few additions.
import type * as Uws from 'uws-trufflesuite';
import {
  ALLOW_FALLBACK_VARIABLE,
  defaultCandidates,
  defaultFallback,
  loadNativeBuild,
  type NativeBuild,
} from './loader.js';

export type * from 'uws-trufflesuite';
export type { FailedCandidate, NativeBuild } from './loader.js';

// Both addons export these two, which the shipped types leave out.
type NativeModule = typeof Uws & { LIBUS_LISTEN_EXCLUSIVE_PORT: number; DEDICATED_COMPRESSOR: Uws.CompressOptions };

const loaded = loadNativeBuild(
  defaultCandidates(),
  process.env[ALLOW_FALLBACK_VARIABLE] === '1' ? defaultFallback() : undefined,
);
const native = loaded.module as unknown as NativeModule;

/** Which native build this process runs on, and which candidates were skipped and why. */
export const nativeBuild: NativeBuild = loaded.build;
/** One line for a start-up log: the package that loaded and its `.node` file (or the fallback it runs on). */
export const backend = loaded.build.fallback
  ? `${loaded.build.name}: NOT NATIVE, ${ALLOW_FALLBACK_VARIABLE}=1 (${loaded.build.file})`
  : `${loaded.build.name} (native: ${loaded.build.file})`;

export const App = native.App;
export const SSLApp = native.SSLApp;
export const us_listen_socket_close = native.us_listen_socket_close;
export const us_socket_local_port = native.us_socket_local_port;
export const getParts = native.getParts;
export const LIBUS_LISTEN_EXCLUSIVE_PORT = native.LIBUS_LISTEN_EXCLUSIVE_PORT;
export const DISABLED = native.DISABLED;
export const SHARED_COMPRESSOR = native.SHARED_COMPRESSOR;
export const SHARED_DECOMPRESSOR = native.SHARED_DECOMPRESSOR;
export const DEDICATED_COMPRESSOR = native.DEDICATED_COMPRESSOR;
export const DEDICATED_COMPRESSOR_3KB = native.DEDICATED_COMPRESSOR_3KB;
export const DEDICATED_COMPRESSOR_4KB = native.DEDICATED_COMPRESSOR_4KB;
export const DEDICATED_COMPRESSOR_8KB = native.DEDICATED_COMPRESSOR_8KB;
export const DEDICATED_COMPRESSOR_16KB = native.DEDICATED_COMPRESSOR_16KB;
export const DEDICATED_COMPRESSOR_32KB = native.DEDICATED_COMPRESSOR_32KB;
export const DEDICATED_COMPRESSOR_64KB = native.DEDICATED_COMPRESSOR_64KB;
export const DEDICATED_COMPRESSOR_128KB = native.DEDICATED_COMPRESSOR_128KB;
export const DEDICATED_COMPRESSOR_256KB = native.DEDICATED_COMPRESSOR_256KB;
export const DEDICATED_DECOMPRESSOR = native.DEDICATED_DECOMPRESSOR;
export const DEDICATED_DECOMPRESSOR_32KB = native.DEDICATED_DECOMPRESSOR_32KB;
export const DEDICATED_DECOMPRESSOR_16KB = native.DEDICATED_DECOMPRESSOR_16KB;
export const DEDICATED_DECOMPRESSOR_8KB = native.DEDICATED_DECOMPRESSOR_8KB;
export const DEDICATED_DECOMPRESSOR_4KB = native.DEDICATED_DECOMPRESSOR_4KB;
export const DEDICATED_DECOMPRESSOR_2KB = native.DEDICATED_DECOMPRESSOR_2KB;
export const DEDICATED_DECOMPRESSOR_1KB = native.DEDICATED_DECOMPRESSOR_1KB;
export const DEDICATED_DECOMPRESSOR_512B = native.DEDICATED_DECOMPRESSOR_512B;

// The profiles Node's --cpu-prof writes for each service process of a backend, gathered under bench/profiles with
// the names of the services they came from.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Where profiles are kept: `bench/profiles` (gitignored), from the compiled `dist/src/profile`. */
export const PROFILES_DIR = join(import.meta.dirname, '..', '..', '..', 'profiles');

/** Node flags that make a process write a profile of its whole life into `dir` as it exits. */
export function cpuProfileFlags(dir: string): string[] {
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

export interface ServiceProfile {
  service: string;
  path: string;
}

/**
 * Moves each profile in `dir` (Node names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile) to
 * `PROFILES_DIR/<prefix>-<service>.cpuprofile`, the service found by pid. A pid not in `services` is an error: some
 * process the bench did not start wrote there.
 */
export function gatherProfiles(dir: string, services: ReadonlyMap<number, string>, prefix: string): ServiceProfile[] {
  mkdirSync(PROFILES_DIR, { recursive: true });
  const gathered: ServiceProfile[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const pid = Number(file.split('.')[3]);
    const service = services.get(pid);
    if (service === undefined) throw new Error(`${file} in ${dir} is from pid ${pid}, not one of the services`);
    const path = join(PROFILES_DIR, `${prefix}-${service}.cpuprofile`);
    // Copied, not renamed: the temporary directory may be on another file system.
    copyFileSync(join(dir, file), path);
    rmSync(join(dir, file));
    gathered.push({ service, path });
  }
  const missing = [...services.values()].filter((service) => !gathered.some((p) => p.service === service));
  if (missing.length > 0) throw new Error(`no CPU profile from ${missing.join(', ')}: did it exit cleanly?`);
  return gathered;
}

// The Python leaderboard (services/leaderboard, on shared/python) as one of the backend's services, when Debian's
// Python can run it: /usr/bin/python3 with python3-flatbuffers, and python3-redis when the boards go to Redis.
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LEADERBOARD_KIND } from '@packetflow/protocol';
import type { ServiceSpec } from './services.js';

/** The Python it runs on: Debian's, whose packages it needs, not whichever python3 comes first on the PATH. */
export const LEADERBOARD_PYTHON = '/usr/bin/python3';
/** What to install for it, as the line saying it is off tells. */
export const LEADERBOARD_PACKAGES = 'apt-get install python3-flatbuffers python3-redis';

/** Both Python packages, beside this one in the repository (`npm start` runs from a checkout). */
const ROOT = new URL('../../../', import.meta.url);
const SERVICE_DIR = fileURLToPath(new URL('services/leaderboard/', ROOT));
const PACKETFLOW_DIR = fileURLToPath(new URL('shared/python/', ROOT));

export type LeaderboardHost =
  | { readonly spec: ServiceSpec; readonly off?: undefined }
  /** One line: why it does not run, and how to turn it on. */
  | { readonly off: string; readonly spec?: undefined };

/**
 * The leaderboard's service when its Python can import every module it needs (`redis` too when REDIS_URL is set),
 * else why not. PACKETFLOW_PYTHON names another Python to run it on, for tests of a Python without the packages.
 */
export function leaderboardHost(env: Readonly<Record<string, string | undefined>>): LeaderboardHost {
  const python = env.PACKETFLOW_PYTHON || LEADERBOARD_PYTHON;
  const modules = env.REDIS_URL ? ['flatbuffers', 'redis'] : ['flatbuffers'];
  // -I: the check, like the service, must not pick up modules from the working directory or the user's site.
  const check = spawnSync(python, ['-I', '-c', `import ${modules.join(', ')}`], { encoding: 'utf8', timeout: 20_000 });
  if (check.error !== undefined || check.status !== 0) {
    const missing = /No module named '([\w.]+)'/.exec(check.stderr ?? '')?.[1];
    const why =
      check.error !== undefined
        ? `${python} did not run (${check.error.message})`
        : missing !== undefined
          ? `${python} has no ${missing} module`
          : `${python} cannot import ${modules.join(' and ')}: ${(check.stderr ?? '').trim().split('\n').pop()}`;
    return { off: `leaderboard off: ${why}; to turn it on: ${LEADERBOARD_PACKAGES}` };
  }
  return {
    spec: {
      name: 'leaderboard',
      entry: join(SERVICE_DIR, 'leaderboard', 'main.py'),
      roles: [LEADERBOARD_KIND],
      command: {
        program: python,
        args: ['-m', 'leaderboard.main'],
        env: { PYTHONPATH: [SERVICE_DIR, PACKETFLOW_DIR].join(delimiter) },
      },
    },
  };
}

// The ports `npm start` takes from its environment, checked before any service starts: `Number()` alone would turn
// a typo into NaN for the gateway to trip over, or let a port past 65535 through to fail somewhere less clear.
import { z } from 'zod';
import { DEFAULT_WEB_PORT } from './web-server.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface LauncherPorts {
  /** PACKETFLOW_GATEWAY_PORT; undefined leaves the backend's default. 0 is any free port. */
  readonly gatewayPort: number | undefined;
  /** PACKETFLOW_WEB_PORT, `DEFAULT_WEB_PORT` unless set. 0 is any free port. */
  readonly webPort: number;
}

export type LauncherPortsResult =
  | { readonly ok: true; readonly ports: LauncherPorts }
  /** One line per bad variable, each naming it, what it takes and what it got. */
  | { readonly ok: false; readonly problems: readonly string[] };

// Digits only: Number() would also take ' 80', '0x50', '8e1' and '80.0', none of which a person means as a port.
const portSchema = z
  .string()
  .refine((value) => /^\d{1,5}$/.test(value) && Number(value) <= 65_535, {
    error: (issue) => `must be an integer 0–65535, got ${JSON.stringify(issue.input)}`,
  })
  .transform(Number);

/** Reads PACKETFLOW_GATEWAY_PORT and PACKETFLOW_WEB_PORT; an empty variable counts as unset. */
export function readLauncherPorts(env: Env): LauncherPortsResult {
  const problems: string[] = [];
  const read = (variable: string): number | undefined => {
    const value = env[variable];
    if (value === undefined || value === '') return undefined;
    const result = portSchema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) problems.push(`${variable} ${issue.message}`);
    return undefined;
  };
  const gatewayPort = read('PACKETFLOW_GATEWAY_PORT');
  const webPort = read('PACKETFLOW_WEB_PORT') ?? DEFAULT_WEB_PORT;
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, ports: { gatewayPort, webPort } };
}

import { isIP } from 'node:net';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/;

/** An IP address or a DNS name: what `listen` and `connect` accept. */
export function isHost(value: string): boolean {
  return isIP(value) !== 0 || HOST_NAME.test(value);
}

/** `host:port` or `[ipv6]:port` with a port others can dial (1–65535); undefined when it is not one. */
export function parseHostPort(value: string): HostPort | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  if (!match) return undefined;
  const host = match[1] ?? match[2]!;
  const port = Number(match[3]);
  if (port < 1 || port > 65_535) return undefined;
  if (match[1] !== undefined ? isIP(host) !== 6 : !isHost(host)) return undefined;
  return { host, port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Addresses that mean "every interface": fine to listen on, useless for others to dial. */
export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

// Separate hosts on one machine: a network namespace per host, each with a veth pair into one bridge, addresses in
// a private subnet that only exists inside what this module makes. Everything it makes carries one prefix, so a
// run left behind by a crash is recognised and removed at the next start.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';

const PREFIX = 'pf14';
const BRIDGE = `${PREFIX}br0`;
const NETNS_ETC = '/etc/netns';
/** No route or interface on this machine uses it; `assertSubnetFree` checks before the first namespace is made. */
const SUBNET = '10.213.0';
/** The bridge's own address: the test process reaches every host through it (metrics, Redis) from the root namespace. */
export const BRIDGE_ADDRESS = `${SUBNET}.1`;

export interface HostSpec {
  /** The host name other hosts know it by (`redis`, `game-logic-1`, ...). */
  readonly name: string;
  /** The last byte of its address. */
  readonly octet: number;
}

export interface Host {
  readonly name: string;
  readonly namespace: string;
  readonly address: string;
  /** The root-namespace end of its veth pair: set down, the host is cut off from every other. */
  readonly link: string;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Root and iproute2 are what `ip netns` needs; CI has both, so anywhere else this fails rather than skip. */
export function assertCanMakeHosts(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'the separate-hosts tests make network namespaces, veth pairs and a bridge (ip netns, iproute2): run them as root',
    );
  }
  try {
    ip('-V');
  } catch (error) {
    throw new Error(`the separate-hosts tests need iproute2's ip on PATH (apt-get install iproute2): ${error}`);
  }
}

function ourNamespaces(): string[] {
  return ip('netns', 'list')
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name.startsWith(`${PREFIX}-`));
}

/**
 * Removes every namespace, process, link, bridge and /etc/netns directory of this prefix: what this run made, or
 * what a crashed earlier run left.
 */
export function removeAll(): void {
  for (const namespace of ourNamespaces()) {
    const pids = ip('netns', 'pids', namespace).split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Exited between the listing and the kill.
      }
    }
    ip('netns', 'del', namespace);
  }
  removeHostsFiles();
  for (const link of ourLinks()) {
    try {
      ip('link', 'del', link);
    } catch (error) {
      // A veth goes with its namespace's end, which the kernel removes in the background.
      if (!String((error as { stderr?: unknown }).stderr).includes('Cannot find device')) throw error;
    }
  }
}

/** Our /etc/netns directories, and /etc/netns itself once nothing else is in it. */
function removeHostsFiles(): void {
  if (!existsSync(NETNS_ETC)) return;
  for (const entry of readdirSync(NETNS_ETC)) {
    if (entry.startsWith(`${PREFIX}-`)) rmSync(`${NETNS_ETC}/${entry}`, { recursive: true, force: true });
  }
  if (readdirSync(NETNS_ETC).length === 0) rmdirSync(NETNS_ETC);
}

function ourLinks(): string[] {
  return ip('-o', 'link', 'show')
    .split('\n')
    .map((line) => line.split(': ')[1]?.split('@')[0])
    .filter((name): name is string => name?.startsWith(PREFIX) === true);
}

function assertSubnetFree(): void {
  const used = ip('-o', 'addr', 'show') + ip('route', 'show', 'table', 'all');
  if (used.includes(`${SUBNET}.`)) {
    throw new Error(`${SUBNET}.0/24 is already in use on this machine; the separate-hosts tests need it to themselves`);
  }
}

/** Makes the bridge and one namespace per host, each with loopback up and its /etc/hosts naming every host. */
export function makeHosts(specs: readonly HostSpec[], aliases: Record<string, string> = {}): Map<string, Host> {
  assertCanMakeHosts();
  removeAll();
  assertSubnetFree();
  try {
    return makeEach(specs, aliases);
  } catch (error) {
    removeAll();
    throw error;
  }
}

function makeEach(specs: readonly HostSpec[], aliases: Record<string, string>): Map<string, Host> {
  ip('link', 'add', BRIDGE, 'type', 'bridge');
  ip('addr', 'add', `${BRIDGE_ADDRESS}/24`, 'dev', BRIDGE);
  ip('link', 'set', BRIDGE, 'up');
  const hosts = new Map<string, Host>();
  for (const spec of specs) {
    const namespace = `${PREFIX}-${spec.name}`;
    const link = `${PREFIX}h${spec.octet}`;
    const address = `${SUBNET}.${spec.octet}`;
    ip('netns', 'add', namespace);
    ip('link', 'add', link, 'type', 'veth', 'peer', 'name', `${PREFIX}p${spec.octet}`);
    ip('link', 'set', `${PREFIX}p${spec.octet}`, 'netns', namespace, 'name', 'eth0');
    ip('link', 'set', link, 'master', BRIDGE, 'up');
    ip('-n', namespace, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    ip('-n', namespace, 'link', 'set', 'eth0', 'up');
    ip('-n', namespace, 'link', 'set', 'lo', 'up');
    hosts.set(spec.name, { name: spec.name, namespace, address, link });
  }
  for (const host of hosts.values()) writeHostsFile(host, hosts, aliases);
  return hosts;
}

/**
 * Writes the host's /etc/hosts (`ip netns exec` bind-mounts /etc/netns/<namespace>/hosts over /etc/hosts), so the
 * Compose file's host names resolve unchanged. `aliases` names more hosts by the name of one already there; the
 * file is rewritten in place, so a process running in the namespace sees a changed alias at its next lookup.
 */
export function writeHostsFile(host: Host, hosts: ReadonlyMap<string, Host>, aliases: Record<string, string>): void {
  const lines = ['127.0.0.1 localhost'];
  for (const other of hosts.values()) lines.push(`${other.address} ${other.name}`);
  for (const [alias, name] of Object.entries(aliases)) lines.push(`${hosts.get(name)!.address} ${alias}`);
  mkdirSync(`${NETNS_ETC}/${host.namespace}`, { recursive: true });
  writeFileSync(`${NETNS_ETC}/${host.namespace}/hosts`, `${lines.join('\n')}\n`);
}

/** Cuts the host off from every other (and from the test) by setting its end of the link down. */
export function cut(host: Host): void {
  ip('link', 'set', host.link, 'down');
}

export function heal(host: Host): void {
  ip('link', 'set', host.link, 'up');
}

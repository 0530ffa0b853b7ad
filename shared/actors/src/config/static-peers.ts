import { parseHostPort } from './addresses.js';
import { isName, NAME_RULE } from './names.js';

/** One member of a static cluster, as PACKETFLOW_PEERS lists it. */
export interface StaticPeer {
  readonly id: string;
  /** host:port the others dial, exactly as listed. */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  readonly roles: readonly string[];
}

export const PEERS_FORMAT = 'id=host:port/role1+role2, comma-separated (no /roles: hosts nothing)';

/**
 * Reads `a=10.0.0.5:7400/counter+chat,b=10.0.0.6:7400/counter,client=10.0.0.7:7400`. Every bad entry is reported,
 * not just the first, so one run shows everything to fix.
 */
export function parsePeers(value: string): { peers: StaticPeer[]; problems: string[] } {
  const peers: StaticPeer[] = [];
  const problems: string[] = [];
  const seenIds = new Set<string>();
  const seenAddresses = new Set<string>();
  const entries = value.split(',').map((entry) => entry.trim());
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1} ${JSON.stringify(entry)}`;
    const match = /^([^=]*)=([^/]*)(?:\/(.*))?$/.exec(entry);
    if (!match) {
      problems.push(`${where}: expected ${PEERS_FORMAT}`);
      return;
    }
    const [, id = '', address = '', roleList] = match;
    const hostPort = parseHostPort(address);
    const roles = roleList === undefined || roleList === '' ? [] : roleList.split('+');
    const entryProblems = [
      ...(isName(id) ? [] : [`id ${JSON.stringify(id)} is not ${NAME_RULE}`]),
      ...(hostPort ? [] : [`address ${JSON.stringify(address)} is not host:port with a port 1–65535`]),
      ...roles.filter((role) => !isName(role)).map((role) => `role ${JSON.stringify(role)} is not ${NAME_RULE}`),
    ];
    if (seenIds.has(id)) entryProblems.push(`id ${JSON.stringify(id)} is listed twice`);
    if (seenAddresses.has(address)) entryProblems.push(`address ${address} is listed twice`);
    seenIds.add(id);
    seenAddresses.add(address);
    if (entryProblems.length > 0 || !hostPort) {
      problems.push(`${where}: ${entryProblems.join('; ')}`);
      return;
    }
    peers.push({ id, address, host: hostPort.host, port: hostPort.port, roles });
  });
  return { peers, problems };
}

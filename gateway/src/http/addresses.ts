// Client addresses as the HTTP limits count them.
import { BlockList, isIP } from 'node:net';

/** The eight 16-bit groups of an IPv6 address in text, `::` and an IPv4 tail included. */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/**
 * Whom a request is counted against: an IPv4 address (an IPv4-mapped IPv6 one too), or the /64 of an IPv6 address,
 * since one subscriber usually holds a whole /64 and could otherwise take a fresh allowance per address.
 */
export function addressKey(text: string): string {
  const family = isIP(text);
  if (family !== 6) return text;
  const groups = ipv6Groups(text);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** Addresses and subnets as the config gives them (`10.0.0.0/8`, `::1`), as a list that matches both families. */
export function addressList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

/** Whether the address (as uWS gives it) is on the list. */
export function listed(list: BlockList, text: string): boolean {
  const key = addressKey(text);
  const address = key.endsWith('/64') ? text : key;
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

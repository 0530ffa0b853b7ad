import { MembershipConfigError } from './errors.js';
import type { MemberInfo } from './membership.js';

/** Reads a member record from outside (Redis, configuration); returns why it is not one instead of throwing. */
export function parseMemberInfo(raw: unknown): { ok: true; member: MemberInfo } | { ok: false; reason: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not an object' };
  const { id, roles, address, startedAt } = raw as Record<string, unknown>;
  if (typeof id !== 'string' || id.length === 0) return { ok: false, reason: 'id is not a non-empty string' };
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    return { ok: false, reason: 'roles is not an array of strings' };
  }
  if (typeof address !== 'string' || !/^.+:\d{1,5}$/.test(address)) {
    return { ok: false, reason: 'address is not host:port' };
  }
  if (typeof startedAt !== 'number' || !Number.isSafeInteger(startedAt) || startedAt < 0) {
    return { ok: false, reason: 'startedAt is not a non-negative integer' };
  }
  return { ok: true, member: { id, roles: [...roles], address, startedAt } };
}

/** The member as given, validated; a bad one is a configuration mistake, so it throws. */
export function checkMemberInfo(member: MemberInfo, option: string): MemberInfo {
  const parsed = parseMemberInfo(member);
  if (!parsed.ok) throw new MembershipConfigError(option, `${JSON.stringify(member)}: ${parsed.reason}`);
  return parsed.member;
}

export function sortById(members: Iterable<MemberInfo>): MemberInfo[] {
  return [...members].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Same process at the same place with the same roles: a restart (newer startedAt) or a move counts as a change. */
export function sameMember(a: MemberInfo, b: MemberInfo): boolean {
  return (
    a.id === b.id &&
    a.address === b.address &&
    a.startedAt === b.startedAt &&
    a.roles.length === b.roles.length &&
    a.roles.every((role, index) => role === b.roles[index])
  );
}

/** Both views sorted by id. */
export function sameView(a: readonly MemberInfo[], b: readonly MemberInfo[]): boolean {
  return a.length === b.length && a.every((member, index) => sameMember(member, b[index]!));
}

import type { Logger } from '../behavior.js';
import { componentLogger } from '../logging/logger.js';
import { ChangeListeners } from './change-listeners.js';
import { MembershipConfigError } from './errors.js';
import { checkMemberInfo, sortById } from './member-info.js';
import type { MemberInfo, Membership } from './membership.js';

/**
 * Members from configuration: the single-machine default. The view is fixed once started, so listeners are never
 * called; they are kept only to honour the interface.
 */
export class StaticMembership implements Membership {
  private readonly configured: readonly MemberInfo[];
  private view: readonly MemberInfo[] = [];
  private readonly listeners: ChangeListeners;

  constructor(members: readonly MemberInfo[], options: { logger?: Logger } = {}) {
    const seen = new Set<string>();
    this.configured = members.map((member, index) => {
      const checked = checkMemberInfo(member, `members[${index}]`);
      if (seen.has(checked.id)) throw new MembershipConfigError(`members[${index}]`, `duplicate id ${checked.id}`);
      seen.add(checked.id);
      return checked;
    });
    this.listeners = new ChangeListeners(options.logger ?? componentLogger('membership'));
  }

  async start(self: MemberInfo): Promise<void> {
    const checked = checkMemberInfo(self, 'self');
    const listed = this.configured.find((member) => member.id === checked.id);
    if (listed && (listed.address !== checked.address || !sameRoles(listed.roles, checked.roles))) {
      throw new MembershipConfigError(
        'self',
        `${checked.id} is configured at ${listed.address} with roles [${listed.roles}] but started at ` +
          `${checked.address} with roles [${checked.roles}]`,
      );
    }
    // Configuration cannot know when this process started; self's own record carries the real startedAt.
    this.view = sortById([...this.configured.filter((member) => member.id !== checked.id), checked]);
  }

  members(): readonly MemberInfo[] {
    return this.view;
  }

  admits(nodeId: string): boolean {
    return this.configured.some((member) => member.id === nodeId);
  }

  onChange(listener: (members: readonly MemberInfo[]) => void): () => void {
    return this.listeners.add(listener);
  }

  async leave(): Promise<void> {
    this.listeners.clear();
  }
}

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\0') === [...b].sort().join('\0');
}

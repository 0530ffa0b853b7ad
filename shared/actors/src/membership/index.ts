export { MembershipConfigError, MembershipStartError } from './errors.js';
export { Lease } from './lease.js';
export type { MemberInfo, Membership } from './membership.js';
export { RedisMembership } from './redis-membership.js';
export type { RedisMembershipOptions } from './redis-membership-options.js';
export { StaticMembership } from './static-membership.js';

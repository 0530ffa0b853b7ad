/** A membership option or member description that cannot work; names the offending option. */
export class MembershipConfigError extends Error {
  readonly option: string;

  constructor(option: string, message: string) {
    super(`membership: ${option}: ${message}`);
    this.name = 'MembershipConfigError';
    this.option = option;
  }
}

/** `start` could not register with the membership backend in time. */
export class MembershipStartError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(`membership: ${message}`, options);
    this.name = 'MembershipStartError';
  }
}

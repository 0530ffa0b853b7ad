/**
 * Compose's interpolation of `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}`, `${VAR:+replacement}`, `${VAR+replacement}` and `$$` (a literal `$`), as the Compose
 * Specification defines it, applied to every string value of a parsed file (keys are not interpolated).
 */

export type Variables = Readonly<Record<string, string | undefined>>;

const REFERENCE =
  /\$(?:(\$)|([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|(.))/gs;

export class InterpolationError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`${key}: ${reason}`);
    this.name = 'InterpolationError';
  }
}

/** One string with its references replaced; `key` names where it came from in errors. */
export function interpolate(value: string, variables: Variables, key: string): string {
  return value.replace(
    REFERENCE,
    (whole, dollar: string | undefined, bare, braced, operator: string | undefined, argument = '', invalid) => {
      if (dollar !== undefined) return '$';
      if (invalid !== undefined) throw new InterpolationError(key, `invalid interpolation ${JSON.stringify(whole)}`);
      const name: string = bare ?? braced;
      const raw = variables[name];
      const set = raw !== undefined;
      const nonEmpty = set && raw !== '';
      const inner = () => interpolate(argument, variables, key);
      switch (operator) {
        case undefined:
          return raw ?? '';
        case ':-':
          return nonEmpty ? raw : inner();
        case '-':
          return set ? raw : inner();
        case ':?':
        case '?':
          if (operator === ':?' ? nonEmpty : set) return raw as string;
          throw new InterpolationError(key, `${name} is ${set ? 'empty' : 'not set'}: ${inner()}`);
        case ':+':
          return nonEmpty ? inner() : '';
        default:
          return set ? inner() : '';
      }
    },
  );
}

/** A parsed document with every string interpolated; errors name the key path (`services.redis.command[5]`). */
export function interpolateTree(node: unknown, variables: Variables, key = ''): unknown {
  if (typeof node === 'string') return interpolate(node, variables, key);
  if (Array.isArray(node)) return node.map((item, index) => interpolateTree(item, variables, `${key}[${index}]`));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([name, value]) => [
        name,
        interpolateTree(value, variables, key === '' ? name : `${key}.${name}`),
      ]),
    );
  }
  return node;
}

// A container's environment as its pod would see it, from a render that leaves some values to the cluster: the
// downward API's fields and Secrets' values get plausible stand-ins, and `$(VAR)` references are expanded as the
// kubelet expands them, so that the services' validators judge what a real pod would be given.

/** A value the render holds, or where the cluster takes it from (`secret/<name>/<key>`, `field/<path>`, …). */
export type RenderedValue = string | { readonly from: string };

const FIELDS: Readonly<Record<string, (workload: string) => string>> = {
  'metadata.name': (workload) => `${workload}-0`,
  'metadata.namespace': () => 'packetflow',
  'status.podIP': () => '10.0.0.12',
  'status.hostIP': () => '192.168.0.10',
  'spec.nodeName': () => 'node-1',
};

/** What a variable taken from a Secret or a ConfigMap outside the render plausibly holds, by the variable's name. */
function standIn(variable: string): string | undefined {
  if (variable === 'REDIS_URL') return 'redis://:a-stand-in-password@redis:6379';
  if (variable.endsWith('_SECRET')) return 'a-stand-in-secret-of-40-characters-long';
  return undefined;
}

/**
 * The environment of a container of `workload`, each value resolved; `problems` names the variables whose source
 * this cannot stand in for.
 */
export function podEnvironment(
  workload: string,
  env: Readonly<Record<string, RenderedValue>>,
): { env: Record<string, string>; problems: string[] } {
  const resolved: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    const given = typeof value === 'string' ? expand(value, resolved) : fromSource(name, value.from, workload);
    if (given === undefined) {
      problems.push(`${name} comes from ${(value as { from: string }).from}, which this check has no stand-in for`);
      continue;
    }
    resolved[name] = given;
  }
  return { env: resolved, problems };
}

function fromSource(variable: string, from: string, workload: string): string | undefined {
  const [kind, ...rest] = from.split('/');
  if (kind === 'field') return FIELDS[rest.join('/')]?.(workload);
  if (kind === 'secret' || kind === 'configmap') return standIn(variable);
  return undefined;
}

/**
 * Kubernetes' expansion of a value: `$(NAME)` becomes the value of a variable defined before it in the container,
 * and stays as written when there is none; `$$` is a literal `$`.
 */
export function expand(value: string, defined: Readonly<Record<string, string>>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string | undefined) => {
    if (name === undefined) return '$';
    return defined[name] ?? whole;
  });
}

import { NodeConfigError, readNodeConfig } from '@packetflow/actors';
import { GatewayConfigError, loadConfig } from '@packetflow/gateway';

export interface VariableProblem {
  readonly variable: string;
  readonly reason: string;
}

/**
 * What a PacketFlow service would refuse at start in this environment, read by the services' own validators: the
 * node's (`readNodeConfig`, every service) and the gateway's (`loadConfig`). A deployment file that sets a
 * combination a service refuses then fails a test instead of a deploy. Values never appear in the reasons.
 */
export function serviceConfigProblems(service: string, env: Readonly<Record<string, string>>): VariableProblem[] {
  const problems: VariableProblem[] = [];
  try {
    readNodeConfig(env);
  } catch (error) {
    if (!(error instanceof NodeConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (service === 'gateway') {
    try {
      loadConfig({ ...env });
    } catch (error) {
      if (!(error instanceof GatewayConfigError)) throw error;
      problems.push(...error.problems.map(gatewayProblem));
    }
  }
  return problems;
}

/** The gateway words its problems `NAME=value: reason` or `NAME: reason`; the value may be a secret. */
function gatewayProblem(text: string): VariableProblem {
  const match = /^([A-Z][A-Z0-9_]*)(?:=.*?)?: (.*)$/s.exec(text);
  return match ? { variable: match[1]!, reason: match[2]! } : { variable: '(gateway)', reason: text };
}

import { SERVICE_VALIDATORS } from '../config/service-validators.js';
import { IMAGE_SERVICES, type ImageService } from '../docker/runtime-packages.js';

export interface VariableProblem {
  readonly variable: string;
  readonly reason: string;
}

/**
 * What a PacketFlow service would refuse at start in this environment, read by the services' own validators
 * (`SERVICE_VALIDATORS`: the node's, and the gateway's or game-logic's own). A deployment file that sets a combination
 * a service refuses then fails a test instead of a deploy. Values never appear in the reasons.
 */
export function serviceConfigProblems(service: string, env: Readonly<Record<string, string>>): VariableProblem[] {
  if (!(service in IMAGE_SERVICES)) return [{ variable: 'PACKETFLOW_SERVICE', reason: `no service ${service}` }];
  return SERVICE_VALIDATORS[service as ImageService].flatMap((validator) => validator.refusals(env)).map(problemOf);
}

/** Refusals are worded `NAME=value: reason` or `NAME: reason`; the value may be a secret. */
function problemOf(text: string): VariableProblem {
  const match = /^([A-Z][A-Z0-9_]*)(?:=.*?)?: (.*)$/s.exec(text);
  return match ? { variable: match[1]!, reason: match[2]! } : { variable: '(service)', reason: text };
}

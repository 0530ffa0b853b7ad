// The check of one container's environment as a deployment file sets it: every PacketFlow variable set is one its
// service reads, every variable its service requires is set, and the service's own validators accept the whole.
import { isVariableSet } from '@packetflow/actors';
import type { DeployedContainer } from './deployed-containers.js';
import { imageEnvironment, runtimeStage } from './image.js';
import { nearestName } from './nearest-name.js';
import { SERVICE_VALIDATORS } from './service-validators.js';
import { isService, SERVICES, variablesOfService } from './service-variables.js';
import { isCheckedName } from './variable-names.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface DeployedEnvOptions {
  /** What the image sets before the file does; the Dockerfile's runtime stage's ENV unless given. */
  readonly imageEnv?: Env;
}

/**
 * Everything wrong with the environment `file` gives one container (`where`: a Compose service, a Kubernetes
 * container), one line each naming the file, the container, its service and the variable. The service is the one
 * its PACKETFLOW_SERVICE chooses; the container sees the image's environment with the file's over it.
 */
export function deployedEnvProblems(file: string, where: string, env: Env, options: DeployedEnvOptions = {}): string[] {
  const seen: Env = { ...(options.imageEnv ?? imageEnvironment(runtimeStage())), ...env };
  const service = seen.PACKETFLOW_SERVICE ?? '';
  if (!isService(service)) {
    const value = service === '' ? 'not set' : `${JSON.stringify(service)}, not a service`;
    return [`${file}: ${where}: PACKETFLOW_SERVICE is ${value}: the image runs one of ${SERVICES.join(', ')}`];
  }
  const at = `${file}: ${where} (${service})`;
  const read = variablesOfService(service);
  const names = new Set(read.map((variable) => variable.name));

  const unread = Object.keys(env)
    .filter((name) => isCheckedName(name) && !names.has(name))
    .map((name) => {
      const nearest = nearestName(name, names);
      return `${at}: ${name} is set, but ${service} reads no such variable${nearest ? ` (${nearest}?)` : ''}`;
    });
  const missing = read
    .filter((variable) => variable.required?.applies(seen) && !isVariableSet(seen, variable.name))
    .map(
      (variable) => `${at}: ${variable.name} is not set, but ${variable.source} requires it ${variable.required?.when}`,
    );
  const refused = SERVICE_VALIDATORS[service].flatMap((validator) =>
    validator.refusals(seen).map((refusal) => `${at}: ${validator.name} refuses it: ${refusal}`),
  );
  return [...unread, ...new Set(missing), ...refused];
}

/** Everything wrong with a container of a deployment file: what could not be resolved, then the checks above. */
export function deployedContainerProblems(container: DeployedContainer, options: DeployedEnvOptions = {}): string[] {
  return [
    ...container.problems.map((problem) => `${container.file}: ${container.where}: ${problem}`),
    ...deployedEnvProblems(container.file, container.where, container.env, options),
  ];
}

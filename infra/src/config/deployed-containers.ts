// The PacketFlow containers the deployment files define, each with the file that defines it and the environment it
// is given: the Compose services, and the containers of the workloads a kustomize overlay renders.
import { relative } from 'node:path';
import { COMPOSE_FILE, composeServices } from '../deploy/compose-file.js';
import { type RenderedObject, renderKustomization, workloadsOf } from '../deploy/manifests.js';
import { podEnvironment } from './pod-environment.js';
import { REPO_ROOT } from './service-variables.js';
import { isCheckedName } from './variable-names.js';

export interface DeployedContainer {
  /** The file at fault when its environment is wrong, as messages name it. */
  readonly file: string;
  /** The container in that file: `service gateway-1`, `StatefulSet/gateway container gateway`. */
  readonly where: string;
  /** What the file sets, resolved as the container would see it. */
  readonly env: Readonly<Record<string, string>>;
  /** What could not be resolved. */
  readonly problems: readonly string[];
}

/** A path as messages name it: relative to the repository root when inside it. */
export function displayPath(path: string): string {
  const inside = relative(REPO_ROOT, path);
  return inside.startsWith('..') ? path : inside;
}

/** Whether a container runs PacketFlow: it is given one of its variables (the image chooses the service by one). */
const runsPacketFlow = (env: Readonly<Record<string, unknown>>): boolean => Object.keys(env).some(isCheckedName);

/** The Compose services that run the PacketFlow image or set its variables, after interpolation. */
export async function composeContainers(file: string = COMPOSE_FILE): Promise<DeployedContainer[]> {
  return (await composeServices(file))
    .filter((service) => service.image?.startsWith('packetflow') || runsPacketFlow(service.environment))
    .map((service) => ({
      file: displayPath(file),
      where: `service ${service.name}`,
      env: service.environment,
      problems: [],
    }));
}

/**
 * The containers of a kustomize directory's render that set PacketFlow variables; `file` names the directory and
 * `where` the workload, the file it came from and the container.
 */
export function kubernetesContainers(directory: string): DeployedContainer[] {
  return renderedContainers(displayPath(directory), renderKustomization(directory));
}

export function renderedContainers(file: string, objects: readonly RenderedObject[]): DeployedContainer[] {
  return workloadsOf(objects.map((object) => object.manifest)).flatMap((workload) => {
    const source = objects.find(
      (object) => object.manifest.kind === workload.kind && object.manifest.metadata.name === workload.name,
    )?.source;
    return workload.containers
      .filter((container) => runsPacketFlow(container.env))
      .map((container) => {
        const { env, problems } = podEnvironment(workload.name, container.env);
        return {
          file,
          where: `${workload.kind}/${workload.name} (${source}) container ${container.name}`,
          env,
          problems,
        };
      });
  });
}

import { gracefulStopSeconds } from './graceful-leave.js';
import { modelProblems } from './manifest-models.js';
import {
  type Container,
  type EnvSource,
  type Manifest,
  type Overlay,
  type PodSpec,
  podSpecOf,
  type RenderedObject,
  workloadsOf,
} from './manifests.js';
import { serviceConfigProblems } from './service-config.js';

/**
 * What issue 13 asks of the Kubernetes deployment, checked on a rendered overlay: every problem as
 * `<file> <Kind>/<name>: <key>: <reason>`, the file the object came from and the key in dotted form.
 */

type Tree = Readonly<Record<string, unknown>>;
type Report = (object: RenderedObject, key: string, reason: string) => void;

/** The PacketFlow services, as PACKETFLOW_SERVICE names them. */
export const PACKETFLOW_SERVICES = ['physics', 'player-store', 'game-logic', 'gateway'] as const;

/** The port of every node's admin endpoint (/healthz, /readyz, /metrics), as the image sets it. */
const ADMIN_PORT = 9464;

/**
 * The keys prod's Secret must hold (it is created by hand, see infra/README.md), each with a stand-in of the shape a
 * real value has, so that the services' validators can read the environment a pod would get.
 */
export const EXTERNAL_SECRET_STAND_INS: Readonly<Record<string, string>> = {
  PACKETFLOW_SECRET: 'stand-in-cluster-secret-of-64-hex-characters-0123456789abcdef',
  PACKETFLOW_TOKEN_SECRET: 'stand-in-token-secret-of-64-hex-characters-0123456789abcdef',
  REDIS_URL: 'rediss://:stand-in-password@redis.example.com:6380',
};

/** The label a StatefulSet gives each pod, by which a Service selects that pod alone. */
const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

/** Values that must come from a Secret, never be written in a manifest. */
const SECRET_VARIABLES = ['PACKETFLOW_SECRET', 'PACKETFLOW_TOKEN_SECRET', 'REDIS_URL'];

/** What the downward API gives a pod, for reading the environment a pod of a workload would get. */
const STAND_IN_POD_IP = '10.244.1.17';
const standInPodName = (workload: Manifest) =>
  workload.kind === 'StatefulSet' ? `${workload.metadata.name}-0` : `${workload.metadata.name}-5d8f7c9b4-x2x7q`;

export function manifestProblems(objects: readonly RenderedObject[], overlay: Overlay): string[] {
  const problems: string[] = [];
  const report: Report = (object, key, reason) => problems.push(`${object.label}: ${key}: ${reason}`);
  for (const object of objects) {
    for (const problem of modelProblems(object.manifest)) problems.push(`${object.label}: ${problem}`);
  }
  const nodes = packetflowWorkloads(objects);
  for (const object of objects) {
    const spec = podSpecOf(object.manifest);
    if (spec !== undefined) hardened(object, spec, report);
  }
  for (const node of nodes) packetflowNode(node, objects, report);
  oneImage(nodes, report);
  if (overlay === 'dev') dev(objects, nodes, report);
  else prod(objects, nodes, report);
  return problems;
}

interface NodeWorkload {
  readonly object: RenderedObject;
  readonly service: string;
  readonly spec: PodSpec;
  readonly container: Container;
  readonly index: number;
}

/** Workloads whose container runs a PacketFlow service (it sets PACKETFLOW_SERVICE). */
function packetflowWorkloads(objects: readonly RenderedObject[]): NodeWorkload[] {
  return objects.flatMap((object) => {
    const spec = podSpecOf(object.manifest);
    if (spec === undefined) return [];
    return spec.containers.flatMap((container, index) => {
      const service = container.env?.find((v) => v.name === 'PACKETFLOW_SERVICE')?.value;
      return service === undefined ? [] : [{ object, service, spec, container, index }];
    });
  });
}

const containerKey = (index: number) => `spec.template.spec.containers[${index}]`;

/** Every workload, PacketFlow's and Redis: probes, resources, and a container that cannot become root. */
function hardened(object: RenderedObject, spec: PodSpec, report: Report): void {
  const pod = tree(spec.securityContext);
  spec.containers.forEach((container, index) => {
    const key = containerKey(index);
    if (container.readinessProbe === undefined) report(object, `${key}.readinessProbe`, 'missing');
    if (container.livenessProbe === undefined) report(object, `${key}.livenessProbe`, 'missing');
    const resources = tree(container.resources);
    for (const bound of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) {
        if (tree(resources[bound])[resource] === undefined) {
          report(object, `${key}.resources.${bound}.${resource}`, 'missing');
        }
      }
    }
    const own = tree(container.securityContext);
    const effective = (field: string) => own[field] ?? pod[field];
    if (effective('runAsNonRoot') !== true) report(object, `${key}.securityContext.runAsNonRoot`, 'expected true');
    const user = effective('runAsUser');
    if (typeof user !== 'number' || user === 0) {
      report(object, `${key}.securityContext.runAsUser`, `${JSON.stringify(user)}: expected a non-root uid`);
    }
    if (own.allowPrivilegeEscalation !== false) {
      report(object, `${key}.securityContext.allowPrivilegeEscalation`, 'expected false');
    }
    if (own.readOnlyRootFilesystem !== true) {
      report(object, `${key}.securityContext.readOnlyRootFilesystem`, 'expected true');
    }
    const drop = tree(own.capabilities).drop;
    if (!Array.isArray(drop) || !drop.includes('ALL')) {
      report(object, `${key}.securityContext.capabilities.drop`, 'expected [ALL]');
    }
  });
}

function packetflowNode(node: NodeWorkload, objects: readonly RenderedObject[], report: Report): void {
  const { object, container, spec, service } = node;
  const key = containerKey(node.index);
  const user = tree(container.securityContext).runAsUser ?? tree(spec.securityContext).runAsUser;
  if (user !== 1000)
    report(object, `${key}.securityContext.runAsUser`, `${JSON.stringify(user)}: the image's uid is 1000`);
  probe(node, 'readinessProbe', '/readyz', report);
  probe(node, 'livenessProbe', '/healthz', report);
  const pause = preStopSeconds(container);
  if (pause === undefined) report(object, `${key}.lifecycle.preStop`, 'missing: a pause before SIGTERM');
  const grace = typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
  const needed = (pause ?? 0) + gracefulStopSeconds(service);
  if (grace < needed) {
    report(
      object,
      'spec.template.spec.terminationGracePeriodSeconds',
      `${grace} s, but the preStop pause and a graceful ${service} stop may take ${needed} s`,
    );
  }
  const configMaps = (container.envFrom ?? []).flatMap((source) =>
    source.configMapRef ? [source.configMapRef.name] : [],
  );
  const rendered = objects.filter((o) => o.manifest.kind === 'ConfigMap').map((o) => o.manifest.metadata.name);
  if (configMaps.length === 0 || !configMaps.every((name) => rendered.includes(name))) {
    report(object, `${key}.envFrom`, 'expected the configuration from ConfigMaps of the render');
  }
  for (const variable of SECRET_VARIABLES) {
    const entry = container.env?.find((v) => v.name === variable);
    if (entry !== undefined && entry.valueFrom?.secretKeyRef === undefined) {
      report(
        object,
        `${key}.env.${variable}`,
        'a secret written in the manifest: take it from a Secret (secretKeyRef)',
      );
    }
  }
  const { env, unresolved } = podEnvironment(object.manifest, node.index, objects);
  for (const reason of unresolved) report(object, `${key}.env`, reason);
  for (const { variable, reason } of serviceConfigProblems(service, env)) {
    report(object, `${key}.env.${variable}`, `${service} would refuse to start: ${reason}`);
  }
  const podName = standInPodName(object.manifest);
  if (env.PACKETFLOW_NODE_ID !== podName) {
    report(object, `${key}.env.PACKETFLOW_NODE_ID`, 'expected the pod name (downward API): unique per pod');
  }
  if (!env.PACKETFLOW_ADVERTISE?.startsWith(`${STAND_IN_POD_IP}:`)) {
    report(object, `${key}.env.PACKETFLOW_ADVERTISE`, 'expected the pod IP (downward API): what the others can dial');
  }
  if (service === 'gateway') {
    if (object.manifest.kind !== 'StatefulSet') {
      report(object, 'kind', 'gateways need stable pod names for their per-pod public addresses: a StatefulSet');
    }
    if (!env.PACKETFLOW_GATEWAY_PUBLIC_ADDRESS?.endsWith(`/${podName}`)) {
      report(object, `${key}.env.PACKETFLOW_GATEWAY_PUBLIC_ADDRESS`, 'expected PUBLIC_HOST/<pod name>: one per pod');
    }
  }
}

function probe(node: NodeWorkload, field: 'readinessProbe' | 'livenessProbe', path: string, report: Report): void {
  const httpGet = tree(tree(node.container[field]).httpGet);
  if (node.container[field] === undefined) return;
  const ports = (node.container.ports ?? []) as readonly { name?: string; containerPort: number }[];
  const port =
    typeof httpGet.port === 'string' ? ports.find((p) => p.name === httpGet.port)?.containerPort : httpGet.port;
  if (httpGet.path !== path || port !== ADMIN_PORT) {
    report(node.object, `${containerKey(node.index)}.${field}.httpGet`, `expected GET ${path} on port ${ADMIN_PORT}`);
  }
}

function preStopSeconds(container: Container): number | undefined {
  const preStop = tree(tree(container.lifecycle).preStop);
  const sleep = tree(preStop.sleep).seconds;
  if (typeof sleep === 'number') return sleep;
  const command = tree(preStop.exec).command;
  if (Array.isArray(command) && command[0] === 'sleep' && /^\d+$/.test(String(command[1]))) return Number(command[1]);
  return undefined;
}

/**
 * The environment a pod of the workload would get: the render's values, the downward API's stand-ins, Secrets' values
 * from the render or prod's stand-ins, and `$(VAR)` expanded as the kubelet does (from variables defined before it;
 * `$$` is a literal `$`; an unknown reference stays as written).
 */
export function podEnvironment(
  workload: Manifest,
  containerIndex: number,
  objects: readonly RenderedObject[],
): { env: Record<string, string>; unresolved: string[] } {
  const manifests = objects.map((o) => o.manifest);
  const rendered = workloadsOf(manifests).find((w) => w.kind === workload.kind && w.name === workload.metadata.name)!
    .containers[containerIndex]!.env;
  const unresolved: string[] = [];
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(rendered)) {
    const raw = typeof value === 'string' ? value : sourced(workload, value, manifests, unresolved, name);
    env[name] = raw.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, reference: string | undefined) =>
      reference === undefined ? '$' : (env[reference] ?? whole),
    );
    if (/\$\([A-Za-z_]/.test(env[name]!))
      unresolved.push(`${name}: ${env[name]} refers to a variable not defined before it`);
  }
  return { env, unresolved };
}

function sourced(
  workload: Manifest,
  { from }: EnvSource,
  manifests: readonly Manifest[],
  unresolved: string[],
  name: string,
): string {
  if (from === 'field/metadata.name') return standInPodName(workload);
  if (from === 'field/status.podIP') return STAND_IN_POD_IP;
  const secret = /^secret\/([^/]+)\/(.+)$/.exec(from);
  if (secret) {
    const [, secretName, key] = secret;
    const object = manifests.find((m) => m.kind === 'Secret' && m.metadata.name === secretName);
    const data = tree(object?.data)[key!];
    if (typeof data === 'string') return Buffer.from(data, 'base64').toString('utf8');
    const standIn = object === undefined ? EXTERNAL_SECRET_STAND_INS[key!] : undefined;
    if (standIn !== undefined) return standIn;
  }
  unresolved.push(`${name}: ${from} is neither in the render nor a key prod's Secret is documented to hold`);
  return '';
}

function oneImage(nodes: readonly NodeWorkload[], report: Report): void {
  const images = new Set(nodes.map((node) => node.container.image));
  if (images.size <= 1) return;
  for (const node of nodes) {
    report(
      node.object,
      `${containerKey(node.index)}.image`,
      `one image for every service, got ${[...images].join(', ')}`,
    );
  }
}

function everyServiceOnce(objects: readonly RenderedObject[], nodes: readonly NodeWorkload[], report: Report): void {
  for (const service of PACKETFLOW_SERVICES) {
    const count = nodes.filter((node) => node.service === service).length;
    if (count !== 1) report(objects[0]!, 'workloads', `${count} workloads run ${service}, expected one`);
  }
}

const replicasOf = (object: RenderedObject) => tree(object.manifest.spec).replicas ?? 1;

/** One of each, and a Redis of its own with its data on a volume and a password from the generated Secret. */
function dev(objects: readonly RenderedObject[], nodes: readonly NodeWorkload[], report: Report): void {
  everyServiceOnce(objects, nodes, report);
  for (const node of nodes) {
    if (replicasOf(node.object) !== 1) report(node.object, 'spec.replicas', 'dev runs one of each');
  }
  const redis = objects.find((o) => o.manifest.kind === 'StatefulSet' && o.manifest.metadata.name === 'redis');
  if (redis === undefined) {
    report(objects[0]!, 'StatefulSet/redis', 'missing: dev runs Redis in the cluster');
    return;
  }
  const spec = tree(redis.manifest.spec);
  if (!Array.isArray(spec.volumeClaimTemplates) || spec.volumeClaimTemplates.length === 0) {
    report(redis, 'spec.volumeClaimTemplates', 'missing: Redis keeps its AOF on a PersistentVolumeClaim');
  }
  const container = podSpecOf(redis.manifest)!.containers[0]!;
  const args = ((container.args ?? []) as unknown[]).map(String);
  const option = (name: string) => args[args.indexOf(name) + 1];
  if (!args.includes('--appendonly') || option('--appendonly') !== 'yes') {
    report(redis, `${containerKey(0)}.args`, 'no --appendonly yes');
  }
  if (!['everysec', 'always'].includes(option('--appendfsync') ?? '')) {
    report(redis, `${containerKey(0)}.args`, 'no --appendfsync everysec (or always)');
  }
  const password = /^\$\(([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(
    args.includes('--requirepass') ? option('--requirepass')! : '',
  );
  const fromSecret = container.env?.find((v) => v.name === password?.[1])?.valueFrom?.secretKeyRef;
  if (fromSecret === undefined) {
    report(redis, `${containerKey(0)}.args`, 'expected --requirepass $(VAR) with VAR from a Secret');
  }
  if (args.includes('--protected-mode') && option('--protected-mode') === 'no') {
    report(redis, `${containerKey(0)}.args`, '--protected-mode no');
  }
  for (const secret of objects.filter((o) => o.manifest.kind === 'Secret')) {
    for (const [key, value] of Object.entries(tree(secret.manifest.data))) {
      if (!Buffer.from(String(value), 'base64').toString('utf8').includes('dev')) {
        report(secret, `data.${key}`, 'a generated dev Secret holds obviously-dev values');
      }
    }
  }
}

/**
 * Several of each, Redis and the Secret outside the render, a PodDisruptionBudget per service, an autoscaler for the
 * gateways and a route for every gateway pod it may start.
 */
function prod(objects: readonly RenderedObject[], nodes: readonly NodeWorkload[], report: Report): void {
  everyServiceOnce(objects, nodes, report);
  const ofKind = (kind: string) => objects.filter((o) => o.manifest.kind === kind);
  for (const secret of ofKind('Secret')) report(secret, 'kind', 'prod expects its Secret to exist, not rendered');
  for (const object of objects) {
    if (podSpecOf(object.manifest)?.containers.some((c) => String(c.image).startsWith('redis'))) {
      report(object, 'spec.template.spec.containers', 'prod uses an external Redis (REDIS_URL from the Secret)');
    }
  }
  for (const node of nodes) {
    if (Number(replicasOf(node.object)) < 2) report(node.object, 'spec.replicas', 'prod runs at least two of each');
    const labels = tree(tree(tree(tree(node.object.manifest.spec).template).metadata).labels);
    const budget = ofKind('PodDisruptionBudget').find((pdb) => selects(tree(pdb.manifest.spec).selector, labels));
    if (budget === undefined) report(node.object, 'PodDisruptionBudget', 'missing: none selects these pods');
  }
  const gateway = nodes.find((node) => node.service === 'gateway');
  const autoscaler = ofKind('HorizontalPodAutoscaler').find((hpa) => {
    const target = tree(tree(hpa.manifest.spec).scaleTargetRef);
    return target.kind === gateway?.object.manifest.kind && target.name === gateway?.object.manifest.metadata.name;
  });
  if (gateway === undefined) return;
  if (autoscaler === undefined) {
    report(gateway.object, 'HorizontalPodAutoscaler', 'missing: none scales the gateways');
    return;
  }
  const spec = tree(autoscaler.manifest.spec);
  if (Number(spec.minReplicas ?? 1) < 2) report(autoscaler, 'spec.minReplicas', 'prod runs at least two gateways');
  const routes = ofKind('Ingress').flatMap((ingress) =>
    ((tree(ingress.manifest.spec).rules as Tree[] | undefined) ?? []).flatMap((rule) =>
      ((tree(rule.http).paths as Tree[] | undefined) ?? []).map((path) => ({
        host: String(rule.host),
        path: String(path.path),
        service: String(tree(tree(path.backend).service).name),
      })),
    ),
  );
  const publicAddress = podEnvironment(gateway.object.manifest, gateway.index, objects).env
    .PACKETFLOW_GATEWAY_PUBLIC_ADDRESS;
  const podName = (n: number) => `${gateway.object.manifest.metadata.name}-${n}`;
  for (let n = 0; n < Number(spec.maxReplicas); n++) {
    const route = routes.find((r) => r.path === `/${podName(n)}`);
    const service = ofKind('Service').find((s) => s.manifest.metadata.name === route?.service);
    if (route === undefined || tree(tree(service?.manifest.spec).selector)[POD_NAME_LABEL] !== podName(n)) {
      report(
        autoscaler,
        'spec.maxReplicas',
        `${podName(n)} has no route: an Ingress path /${podName(n)} to its own Service`,
      );
    }
  }
  const hosts = new Set(routes.map((route) => route.host));
  if (![...hosts].some((host) => publicAddress === `${host}/${podName(0)}`)) {
    report(
      gateway.object,
      `${containerKey(gateway.index)}.env.PUBLIC_HOST`,
      `expected the Ingress host (${[...hosts].join(', ')})`,
    );
  }
}

function selects(selector: unknown, labels: Tree): boolean {
  const match = tree(tree(selector).matchLabels);
  return Object.keys(match).length > 0 && Object.entries(match).every(([key, value]) => labels[key] === value);
}

function tree(value: unknown): Tree {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Tree) : {};
}

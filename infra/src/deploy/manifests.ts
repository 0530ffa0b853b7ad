import { execFileSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { infraFile } from '../paths.js';

/** The kustomize overlays of `infra/k8s/overlays/`. */
export const OVERLAYS = ['dev', 'prod'] as const;
export type Overlay = (typeof OVERLAYS)[number];

/** Where kustomize's `originAnnotations` (set in each overlay) say an object came from. */
const ORIGIN = 'config.kubernetes.io/origin';

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

/** A rendered object and the file it came from, as messages name them: `base/gateway.yaml StatefulSet/gateway`. */
export interface RenderedObject {
  readonly manifest: Manifest;
  /** The file that holds the object (or the kustomization whose generator made it), relative to `infra/`. */
  readonly source: string;
  readonly label: string;
}

/**
 * `kubectl kustomize <directory>` parsed: every object of the render, with its origin annotation read into
 * `source` and removed, so that the objects are what a cluster would be given. Throws kubectl's own message when the
 * render fails (an unknown field of a kustomization, a patch whose target is missing).
 */
export function renderKustomization(directory: string): RenderedObject[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', directory], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`kubectl kustomize ${displayPath(directory)}: ${stderr.trim()}`);
  }
  return parseAllDocuments(output).flatMap((document) => {
    const manifest = document.toJS() as Manifest | null;
    if (manifest === null) return [];
    const { [ORIGIN]: origin, ...annotations } = manifest.metadata.annotations ?? {};
    const metadata = { ...manifest.metadata };
    if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
    else delete metadata.annotations;
    const source = originFile(directory, origin);
    return [
      { manifest: { ...manifest, metadata }, source, label: `${source} ${manifest.kind}/${manifest.metadata.name}` },
    ];
  });
}

/** An overlay of `infra/k8s/overlays/` rendered. */
export function renderOverlay(overlay: Overlay): RenderedObject[] {
  return renderKustomization(infraFile(`k8s/overlays/${overlay}`));
}

/** What a container's environment variable holds when its value is not written out in the render. */
export type EnvSource = { from: string };

export interface RenderedContainer {
  name: string;
  env: Record<string, string | EnvSource>;
}

export interface RenderedWorkload {
  kind: string;
  name: string;
  containers: RenderedContainer[];
}

/**
 * The workloads (Deployments, StatefulSets) an overlay renders and their containers' environments: `envFrom`
 * ConfigMaps and Secrets first, `env` over them, as the kubelet merges them. A value the render holds is given as
 * written (`$(POD_IP):7400` unexpanded: Kubernetes expands it in the pod); otherwise where it comes from:
 * `secret/<name>/<key>` for any Secret's key (never its value), `configmap/<name>/<key>` for a ConfigMap outside
 * the render, `field/<path>` and `resource/<name>` for the downward API.
 */
export function renderedWorkloads(overlay: 'dev' | 'prod'): RenderedWorkload[] {
  return workloadsOf(renderOverlay(overlay).map(({ manifest }) => manifest));
}

export function workloadsOf(manifests: readonly Manifest[]): RenderedWorkload[] {
  const configMaps = new Map(
    manifests
      .filter((m) => m.kind === 'ConfigMap')
      .map((m) => [m.metadata.name, (m.data ?? {}) as Record<string, string>]),
  );
  const secrets = new Map(
    manifests
      .filter((m) => m.kind === 'Secret')
      .map((m) => [m.metadata.name, Object.keys({ ...(m.data ?? {}), ...(m.stringData ?? {}) })]),
  );
  return manifests.flatMap((manifest) => {
    const spec = podSpecOf(manifest);
    if (spec === undefined) return [];
    const containers = spec.containers.map((container) => ({
      name: container.name,
      env: containerEnv(container, configMaps, secrets),
    }));
    return [{ kind: manifest.kind, name: manifest.metadata.name, containers }];
  });
}

export interface PodSpec {
  readonly containers: readonly Container[];
  readonly [field: string]: unknown;
}

export interface Container {
  readonly name: string;
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly EnvFromSource[];
  readonly [field: string]: unknown;
}

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string };
    readonly fieldRef?: { readonly fieldPath: string };
    readonly resourceFieldRef?: { readonly resource: string };
  };
}

interface EnvFromSource {
  readonly prefix?: string;
  readonly configMapRef?: { readonly name: string };
  readonly secretRef?: { readonly name: string };
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** The pod template's spec of a workload; undefined for any other object. */
export function podSpecOf(manifest: Manifest): PodSpec | undefined {
  if (!WORKLOAD_KINDS.has(manifest.kind)) return undefined;
  return (manifest.spec as { template: { spec: PodSpec } }).template.spec;
}

/**
 * A ConfigMap or Secret named in `envFrom` must be in the same render: one created outside it (as prod's Secret is)
 * would set variables no file lists, so it is refused here; take such values one by one with `secretKeyRef`.
 */
function containerEnv(
  container: Container,
  configMaps: ReadonlyMap<string, Record<string, string>>,
  secrets: ReadonlyMap<string, readonly string[]>,
): Record<string, string | EnvSource> {
  const env: Record<string, string | EnvSource> = {};
  const outside = (kind: string, name: string) =>
    new Error(
      `container ${container.name}: envFrom ${kind} ${name} is not in the render, so its variables are unknown`,
    );
  for (const source of container.envFrom ?? []) {
    const prefix = source.prefix ?? '';
    if (source.configMapRef) {
      const data = configMaps.get(source.configMapRef.name);
      if (data === undefined) throw outside('ConfigMap', source.configMapRef.name);
      for (const [key, value] of Object.entries(data)) env[prefix + key] = value;
    }
    if (source.secretRef) {
      const { name } = source.secretRef;
      const keys = secrets.get(name);
      if (keys === undefined) throw outside('Secret', name);
      for (const key of keys) env[prefix + key] = { from: `secret/${name}/${key}` };
    }
  }
  for (const variable of container.env ?? []) env[variable.name] = envValue(variable, configMaps);
  return env;
}

function envValue(variable: EnvVar, configMaps: ReadonlyMap<string, Record<string, string>>): string | EnvSource {
  const from = variable.valueFrom;
  if (from === undefined) return variable.value ?? '';
  if (from.secretKeyRef) return { from: `secret/${from.secretKeyRef.name}/${from.secretKeyRef.key}` };
  if (from.configMapKeyRef) {
    const { name, key } = from.configMapKeyRef;
    return configMaps.get(name)?.[key] ?? { from: `configmap/${name}/${key}` };
  }
  if (from.fieldRef) return { from: `field/${from.fieldRef.fieldPath}` };
  if (from.resourceFieldRef) return { from: `resource/${from.resourceFieldRef.resource}` };
  throw new Error(`env ${variable.name}: valueFrom of an unknown kind`);
}

function originFile(directory: string, origin: string | undefined): string {
  const fields = Object.fromEntries(
    (origin ?? '')
      .split('\n')
      .map((line) => /^(\w+): (.+)$/.exec(line))
      .flatMap((match) => (match ? [[match[1]!, match[2]!]] : [])),
  );
  const file = fields.path ?? fields.configuredIn;
  return file === undefined ? displayPath(directory) : displayPath(resolve(directory, file));
}

function displayPath(path: string): string {
  const inside = relative(infraFile(''), path);
  return inside.startsWith('..') ? path : inside;
}

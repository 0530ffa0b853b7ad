import type { ErrorObject } from 'ajv';
import * as models from 'kubernetes-models';
import { keyPath } from './compose-schema.js';
import type { Manifest } from './manifests.js';

/** A class of `kubernetes-models`: its static apiVersion and kind, and `validate()` against the Kubernetes schema. */
interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  readonly prototype: { validate(this: unknown): void };
}

let byType: Map<string, ModelClass> | undefined;

/**
 * The model class of every Kubernetes type the package knows, by `<apiVersion> <kind>`: its namespaces follow the
 * API groups (`apps.v1.Deployment`, `v1.Service`, `policy.v1.PodDisruptionBudget`), and each class carries its
 * apiVersion and kind, so walking them once finds the class of any object.
 */
function modelClasses(): Map<string, ModelClass> {
  if (byType) return byType;
  const found = new Map<string, ModelClass>();
  const walk = (namespace: object): void => {
    for (const value of Object.values(namespace)) {
      if (typeof value === 'function' && 'apiVersion' in value && 'kind' in value) {
        const model = value as unknown as ModelClass;
        found.set(`${model.apiVersion} ${model.kind}`, model);
      } else if (value !== null && typeof value === 'object') walk(value);
    }
  };
  walk(models);
  byType = found;
  return found;
}

/**
 * Each way an object breaks the Kubernetes schema, as `key: reason`: its class's `validate()`, and a field the schema
 * does not know. Kubernetes' schemas allow fields they do not declare, and an API server drops such a field with a
 * warning at most, so a misspelt `livenesProbe` would leave a pod without its probe and no error: the validator is
 * run on a view of the object that records which fields it reads, and a field it never read is one its schema does
 * not declare (maps such as labels are read key by key, so their keys count as read).
 */
export function modelProblems(manifest: Manifest): string[] {
  const model = modelClasses().get(`${manifest.apiVersion} ${manifest.kind}`);
  if (model === undefined) return [`apiVersion/kind: no Kubernetes type ${manifest.apiVersion} ${manifest.kind}`];
  const reads = new Map<object, Set<string>>();
  const problems: string[] = [];
  try {
    model.prototype.validate.call(recordingReads(manifest, reads, new WeakMap()));
  } catch (error) {
    const errors = (error as { errors?: ErrorObject[] }).errors;
    if (errors === undefined) throw error;
    problems.push(...errors.map((e) => `${keyPath(e.instancePath) || '(object)'}: ${e.message ?? e.keyword}`));
  }
  problems.push(...unreadFields(manifest, reads, '').map((key) => `${key}: unknown field`));
  return [...new Set(problems)];
}

function recordingReads(value: unknown, reads: Map<object, Set<string>>, views: WeakMap<object, object>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const known = views.get(value);
  if (known) return known;
  const read = new Set<string>();
  reads.set(value, read);
  const view = new Proxy(value, {
    get(target, property, receiver) {
      if (typeof property === 'string') read.add(property);
      return recordingReads(Reflect.get(target, property, receiver), reads, views);
    },
  });
  views.set(value, view);
  return view;
}

function unreadFields(value: unknown, reads: Map<object, Set<string>>, path: string): string[] {
  if (value === null || typeof value !== 'object') return [];
  const read = reads.get(value);
  return Object.entries(value).flatMap(([key, child]) => {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
    if (!Array.isArray(value) && !read?.has(key)) return [childPath];
    return unreadFields(child, reads, childPath);
  });
}

// infra/k8s rendered as kubectl would apply it: every object validated against the Kubernetes schemas
// (kubernetes-models, unknown fields included), every workload held to issue 13's points, every PacketFlow
// container's environment read by the services' own validators. Broken copies of the manifests prove that each check
// fails with a message naming the file, the object and the key.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readNodeConfig } from '@packetflow/actors';
import { loadConfig } from '@packetflow/gateway';
import {
  EXTERNAL_SECRET_STAND_INS,
  manifestProblems,
  PACKETFLOW_SERVICES,
  podEnvironment,
} from '../src/deploy/manifest-checks.js';
import { modelProblems } from '../src/deploy/manifest-models.js';
import {
  OVERLAYS,
  type Overlay,
  podSpecOf,
  type RenderedObject,
  renderedWorkloads,
  renderKustomization,
  renderOverlay,
} from '../src/deploy/manifests.js';
import { infraFile } from '../src/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'packetflow-k8s-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let copies = 0;

/** A copy of infra/k8s with one file edited (the edit must change it), rendered through the given overlay. */
function brokenRender(
  overlay: Overlay,
  file: string,
  edit: (text: string) => string,
): { copy: string; objects: RenderedObject[] } {
  const copy = join(scratch, `copy-${++copies}`);
  cpSync(infraFile('k8s'), copy, { recursive: true });
  const text = readFileSync(join(copy, file), 'utf8');
  const edited = edit(text);
  assert.notEqual(edited, text, `the edit changed nothing in ${file}: fix the test`);
  writeFileSync(join(copy, file), edited);
  return { copy, objects: renderKustomization(join(copy, 'overlays', overlay)) };
}

const rendered = Object.fromEntries(OVERLAYS.map((overlay) => [overlay, renderOverlay(overlay)])) as Record<
  Overlay,
  RenderedObject[]
>;

const nodesOf = (objects: readonly RenderedObject[]) =>
  objects.flatMap((object) =>
    (podSpecOf(object.manifest)?.containers ?? []).flatMap((container, index) => {
      const service = container.env?.find((v) => v.name === 'PACKETFLOW_SERVICE')?.value;
      return service === undefined ? [] : [{ object, index, service }];
    }),
  );

for (const overlay of OVERLAYS) {
  describe(`k8s/overlays/${overlay}`, () => {
    const objects = rendered[overlay];

    it('renders with kubectl kustomize, every object valid against kubernetes-models with no unknown field', () => {
      assert.ok(objects.length > 0);
      assert.deepEqual(
        objects.flatMap((object) => modelProblems(object.manifest).map((problem) => `${object.label}: ${problem}`)),
        [],
      );
    });

    it("meets issue 13's points per workload: probes, resources, non-root read-only containers, preStop, grace, config", () => {
      assert.deepEqual(manifestProblems(objects, overlay), []);
    });

    it('runs each PacketFlow service in a workload of its own, from one image', () => {
      const nodes = nodesOf(objects);
      assert.deepEqual(nodes.map((node) => node.service).sort(), [...PACKETFLOW_SERVICES].sort());
      const images = new Set(nodes.map((node) => podSpecOf(node.object.manifest)!.containers[node.index]!.image));
      assert.equal(images.size, 1, [...images].join(', '));
    });

    it('gives every PacketFlow pod an environment readNodeConfig (and the gateway loadConfig) accepts', () => {
      for (const { object, index, service } of nodesOf(objects)) {
        const { env, unresolved } = podEnvironment(object.manifest, index, objects);
        assert.deepEqual(unresolved, [], object.label);
        const config = readNodeConfig(env);
        assert.equal(config.membership.kind, 'redis', `${object.label}: REDIS_URL`);
        assert.match(config.advertise ?? '', /^10\.244\.1\.17:7400$/, `${object.label}: PACKETFLOW_ADVERTISE`);
        assert.deepEqual(config.admin, { host: '0.0.0.0', port: 9464 }, `${object.label}: PACKETFLOW_ADMIN_*`);
        if (service === 'gateway') {
          const gateway = loadConfig({ ...env });
          assert.equal(gateway.publicAddress, `${overlay === 'dev' ? 'localhost:2567' : 'game.example.com'}/gateway-0`);
        }
      }
    });
  });
}

describe('k8s/overlays/dev', () => {
  const objects = rendered.dev;
  const find = (kind: string, name: string) =>
    objects.find((o) => o.manifest.kind === kind && o.manifest.metadata.name.startsWith(name));

  it('runs Redis as a StatefulSet with a PersistentVolumeClaim and a password from the generated Secret', () => {
    const redis = find('StatefulSet', 'redis');
    assert.ok(redis, 'StatefulSet/redis');
    assert.equal(redis.source, 'k8s/overlays/dev/redis.yaml');
    const spec = redis.manifest.spec as { volumeClaimTemplates: unknown[] };
    assert.equal(spec.volumeClaimTemplates.length, 1);
    const secret = find('Secret', 'packetflow-secrets');
    assert.ok(secret, 'the dev overlay generates packetflow-secrets');
    const data = secret.manifest.data as Record<string, string>;
    const decoded = (key: string) => Buffer.from(data[key]!, 'base64').toString('utf8');
    assert.equal(decoded('REDIS_URL'), `redis://:${decoded('REDIS_PASSWORD')}@redis:6379`);
  });

  it('gives the configuration checks each container env, Secrets by reference and $(VAR) as written', () => {
    const gateway = renderedWorkloads('dev').find((w) => w.kind === 'StatefulSet' && w.name === 'gateway');
    const env = gateway?.containers[0]?.env;
    assert.ok(env, 'StatefulSet/gateway');
    const secret = find('Secret', 'packetflow-secrets')!.manifest.metadata.name;
    assert.deepEqual(env.PACKETFLOW_TOKEN_SECRET, { from: `secret/${secret}/PACKETFLOW_TOKEN_SECRET` });
    assert.deepEqual(env.POD_IP, { from: 'field/status.podIP' });
    assert.equal(env.PACKETFLOW_PORT, '7400');
    assert.equal(env.PACKETFLOW_ADVERTISE, '$(POD_IP):$(PACKETFLOW_PORT)');
    assert.equal(env.PACKETFLOW_GATEWAY_PUBLIC_ADDRESS, '$(PUBLIC_HOST)/$(POD_NAME)');
  });
});

describe('k8s/overlays/prod', () => {
  const objects = rendered.prod;
  const names = (kind: string) =>
    objects
      .filter((o) => o.manifest.kind === kind)
      .map((o) => o.manifest.metadata.name)
      .sort();

  it('has a PodDisruptionBudget per service, an autoscaler for the gateways, and no Secret or Redis of its own', () => {
    assert.deepEqual(names('PodDisruptionBudget'), ['game-logic', 'gateway', 'physics', 'player-store']);
    assert.deepEqual(names('HorizontalPodAutoscaler'), ['gateway']);
    assert.deepEqual(names('Secret'), []);
    assert.deepEqual(names('StatefulSet'), ['gateway']);
  });

  it('takes from its Secret exactly the keys the README tells a studio to create', () => {
    const keys = new Set(
      renderedWorkloads('prod').flatMap((workload) =>
        workload.containers.flatMap((container) =>
          Object.values(container.env).flatMap((value) =>
            typeof value === 'object' && value.from.startsWith('secret/packetflow-secrets/')
              ? [value.from.slice('secret/packetflow-secrets/'.length)]
              : [],
          ),
        ),
      ),
    );
    assert.deepEqual([...keys].sort(), Object.keys(EXTERNAL_SECRET_STAND_INS).sort());
    const readme = readFileSync(infraFile('README.md'), 'utf8');
    for (const key of keys) assert.ok(readme.includes(`--from-literal=${key}=`), `infra/README.md: how to set ${key}`);
  });
});

describe('k8s, broken copies', () => {
  it('a workload without a readiness probe: named by file, object and key', () => {
    const { copy, objects } = brokenRender('dev', 'base/physics.yaml', (text) =>
      text.replace(/ {10}readinessProbe:\n( {12}.*\n)+/, ''),
    );
    assert.ok(
      manifestProblems(objects, 'dev').includes(
        `${copy}/base/physics.yaml Deployment/physics: spec.template.spec.containers[0].readinessProbe: missing`,
      ),
    );
  });

  it('a container running as root: named', () => {
    const { copy, objects } = brokenRender('dev', 'base/gateway.yaml', (text) =>
      text.replace(
        '            runAsNonRoot: true\n            runAsUser: 1000\n',
        '            runAsNonRoot: false\n            runAsUser: 0\n',
      ),
    );
    const problems = manifestProblems(objects, 'dev');
    const at = `${copy}/base/gateway.yaml StatefulSet/gateway: spec.template.spec.containers[0].securityContext`;
    assert.ok(problems.includes(`${at}.runAsNonRoot: expected true`), problems.join('\n'));
    assert.ok(problems.includes(`${at}.runAsUser: 0: expected a non-root uid`));
  });

  it('an unknown field (a misspelt livenessProbe): named, and so is the probe it leaves missing', () => {
    const { copy, objects } = brokenRender('prod', 'base/game-logic.yaml', (text) =>
      text.replace('livenessProbe:', 'livenesProbe:'),
    );
    const problems = manifestProblems(objects, 'prod');
    const at = `${copy}/base/game-logic.yaml Deployment/game-logic: spec.template.spec.containers[0]`;
    assert.ok(problems.includes(`${at}.livenesProbe: unknown field`), problems.join('\n'));
    assert.ok(problems.includes(`${at}.livenessProbe: missing`));
  });

  it('a secret written in a manifest, and a grace period shorter than a gateway stop: named', () => {
    const { copy, objects } = brokenRender('dev', 'base/gateway.yaml', (text) =>
      text
        .replace(
          '            - name: PACKETFLOW_TOKEN_SECRET\n              valueFrom:\n                secretKeyRef:\n                  name: packetflow-secrets\n                  key: PACKETFLOW_TOKEN_SECRET\n',
          '            - name: PACKETFLOW_TOKEN_SECRET\n              value: an-inline-token-secret-long-enough\n',
        )
        .replace('terminationGracePeriodSeconds: 100', 'terminationGracePeriodSeconds: 30'),
    );
    const problems = manifestProblems(objects, 'dev');
    const at = `${copy}/base/gateway.yaml StatefulSet/gateway: spec.template.spec`;
    assert.ok(problems.some((p) => p.startsWith(`${at}.containers[0].env.PACKETFLOW_TOKEN_SECRET: a secret written`)));
    assert.ok(
      problems.includes(
        `${at}.terminationGracePeriodSeconds: 30 s, but the preStop pause and a graceful gateway stop may take 95 s`,
      ),
      problems.join('\n'),
    );
  });

  it('an autoscaler that may start a gateway no route reaches: named', () => {
    const { copy, objects } = brokenRender('prod', 'overlays/prod/gateway-autoscaler.yaml', (text) =>
      text.replace('maxReplicas: 4', 'maxReplicas: 5'),
    );
    assert.ok(
      manifestProblems(objects, 'prod').includes(
        `${copy}/overlays/prod/gateway-autoscaler.yaml HorizontalPodAutoscaler/gateway: spec.maxReplicas: gateway-4 has no route: an Ingress path /gateway-4 to its own Service`,
      ),
    );
  });

  it('a configuration a service would refuse (no advertise address): named by the validator variable', () => {
    const { copy, objects } = brokenRender('dev', 'base/player-store.yaml', (text) =>
      text.replace('            - name: PACKETFLOW_ADVERTISE\n              value: $(POD_IP):$(PACKETFLOW_PORT)\n', ''),
    );
    const problems = manifestProblems(objects, 'dev');
    const at = `${copy}/base/player-store.yaml Deployment/player-store: spec.template.spec.containers[0].env`;
    assert.ok(
      problems.some((p) => p.startsWith(`${at}.PACKETFLOW_ADVERTISE: player-store would refuse to start: required`)),
      problems.join('\n'),
    );
  });

  it('an unknown field of a kustomization: kubectl kustomize refuses it, naming the field', () => {
    assert.throws(
      () => brokenRender('dev', 'overlays/dev/kustomization.yaml', (text) => text.replace('resources:', 'resourcez:')),
      /kubectl kustomize .*overlays\/dev.*resourcez/s,
    );
  });
});

// Configuration in one place: every package's catalogue of the variables it reads is equal to the names its code
// reads; every PacketFlow variable the Compose file and the Kubernetes overlays set is one its service reads, every
// one it requires is set, and the services' own validators accept what each container is given; VARIABLES.md is
// what the catalogues give. A renamed variable fails here instead of in a deploy.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { catalogueProblems } from '../src/config/catalogue-drift.js';
import { CATALOGUES, catalogueOf } from '../src/config/catalogues.js';
import { composeContainers, type DeployedContainer, kubernetesContainers } from '../src/config/deployed-containers.js';
import { deployedContainerProblems, deployedEnvProblems } from '../src/config/deployed-env.js';
import { imageEnvironment, imageScripts, runtimeStage } from '../src/config/image.js';
import { IMAGE_VARIABLES } from '../src/config/image-variables.js';
import { expand, podEnvironment } from '../src/config/pod-environment.js';
import {
  REPO_ROOT,
  readingPackages,
  runtimeClosure,
  SERVICES,
  variablesOfService,
} from '../src/config/service-variables.js';
import {
  packageSources,
  type VariableUse,
  variablesInFile,
  variablesInScript,
  variablesInShell,
} from '../src/config/source-variables.js';
import { isCheckedName, VARIABLE_NAME } from '../src/config/variable-names.js';
import { VARIABLES_MD, variablesMarkdown, variablesMdDifference } from '../src/config/variables-md.js';
import { COMPOSE_FILE } from '../src/deploy/compose-file.js';
import { IMAGE_SERVICES, workspacePackages } from '../src/docker/runtime-packages.js';
import { infraFile } from '../src/paths.js';

const packages = workspacePackages(REPO_ROOT);
const scratch = mkdtempSync(join(tmpdir(), 'packetflow-variables-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Every PacketFlow package a service runs on: the ones whose code could read the environment in a container. */
const RUNTIME_PACKAGES = [...new Set(SERVICES.flatMap((service) => runtimeClosure(IMAGE_SERVICES[service], packages)))];

/** The variable uses in a package's sources, its catalogue's module left out (it names every variable it lists). */
function packageUses(name: string): VariableUse[] {
  const pkg = packages.get(name)!;
  const catalogueModule = catalogueOf(name)?.module;
  return packageSources(join(REPO_ROOT, pkg.dir))
    .filter((file) => catalogueModule === undefined || file !== join(REPO_ROOT, pkg.dir, catalogueModule))
    .flatMap((file) => variablesInFile(file, REPO_ROOT));
}

/** Where a package's catalogue is, as messages name it. */
function catalogueFile(name: string): string {
  const catalogue = catalogueOf(name);
  return catalogue
    ? `${packages.get(name)!.dir}/${catalogue.module}`
    : `infra/src/config/catalogues.ts (which has no catalogue of ${name})`;
}

describe('the catalogues are equal to the names the code reads', () => {
  for (const name of RUNTIME_PACKAGES) {
    it(`${name}: ${catalogueFile(name)}`, () => {
      const problems = catalogueProblems(
        name,
        catalogueFile(name),
        catalogueOf(name)?.variables ?? [],
        packageUses(name),
      );
      assert.deepEqual(problems, []);
    });
  }

  it('every catalogue is of a package the services run on, in the module it names', () => {
    for (const catalogue of CATALOGUES) {
      assert.ok(RUNTIME_PACKAGES.includes(catalogue.package), `${catalogue.package}: no service runs on it`);
      const dir = packages.get(catalogue.package)!.dir;
      assert.doesNotThrow(() => readFileSync(join(REPO_ROOT, dir, catalogue.module)), `${dir}/${catalogue.module}`);
    }
  });

  it('every entry has a variable name, a reader and a one-line description', () => {
    for (const { package: owner, variables } of [...CATALOGUES, { package: 'the image', variables: IMAGE_VARIABLES }]) {
      for (const variable of variables) {
        const at = `${owner}: ${variable.name}`;
        assert.equal(variable.name.match(VARIABLE_NAME)?.[0], variable.name, `${at}: a variable name`);
        assert.match(variable.readBy, /\S/, `${at}: readBy`);
        assert.match(variable.description, /^[^\n]+$/, `${at}: description`);
      }
    }
  });

  it("the image's catalogue is equal to the names its scripts read, and its ENV to its defaults", () => {
    const stage = runtimeStage();
    const scripts = imageScripts(stage);
    assert.ok(scripts.includes('infra/docker/start-service.sh'), `the runtime stage copies ${scripts.join(', ')}`);
    const uses = scripts.flatMap((script) => variablesInFile(join(REPO_ROOT, script), REPO_ROOT));
    assert.deepEqual(catalogueProblems('the image', 'infra/src/config/image-variables.ts', IMAGE_VARIABLES, uses), []);
    const env = imageEnvironment(stage);
    for (const variable of IMAGE_VARIABLES.filter((v) => v.default !== undefined)) {
      assert.equal(env[variable.name], variable.default, `infra/docker/Dockerfile: ENV ${variable.name}`);
    }
  });

  it('every PacketFlow variable the image sets is one every service reads', () => {
    const env = imageEnvironment(runtimeStage());
    for (const service of SERVICES) {
      const read = new Set(variablesOfService(service, packages).map((variable) => variable.name));
      for (const name of Object.keys(env).filter(isCheckedName)) {
        assert.ok(read.has(name), `infra/docker/Dockerfile: ENV ${name} is set, but ${service} reads no such variable`);
      }
    }
  });

  it('a variable the code reads that its catalogue does not list fails, naming the file, line and variable', () => {
    const file = 'gateway/src/config.ts';
    const source = readFileSync(join(REPO_ROOT, file), 'utf8');
    const lines = source.split('\n').length;
    const added = `${source}\nexport const backlog = Number(process.env.PACKETFLOW_GATEWAY_BACKLOG ?? 511);\n`;
    const listed = catalogueOf('@packetflow/gateway')!.variables;
    const uses = [
      ...packageUses('@packetflow/gateway').filter((use) => use.file !== file),
      ...variablesInScript(added, file),
    ];
    assert.deepEqual(catalogueProblems('@packetflow/gateway', 'gateway/src/config-variables.ts', listed, uses), [
      `${file}:${lines + 1}: PACKETFLOW_GATEWAY_BACKLOG is read by @packetflow/gateway, but ` +
        'gateway/src/config-variables.ts does not list it',
    ]);
  });

  it('a listed variable no code reads any more fails, naming the catalogue and the variable', () => {
    const listed = catalogueOf('@packetflow/game-logic')!.variables;
    assert.deepEqual(catalogueProblems('@packetflow/game-logic', 'services/game-logic/src/variables.ts', listed, []), [
      'services/game-logic/src/variables.ts: PACKETFLOW_TICK_RATE is listed, but no code of @packetflow/game-logic reads it',
    ]);
  });
});

describe('reading variable names from code', () => {
  it('takes names from string and template literals and identifiers, never from comments', () => {
    const source = [
      '// PACKETFLOW_IN_A_COMMENT is not read',
      '/** Nor PACKETFLOW_IN_JSDOC. */',
      "const a = env['PACKETFLOW_QUOTED'];",
      'const b = env.REDIS_URL;',
      'const { LOG_LEVEL } = env;',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a template literal, for the scanner
      'const c = `PACKETFLOW_HEAD ${a} PACKETFLOW_TAIL`;',
      "const d = 'PACKETFLOW_*'; // a pattern, no name",
      'const LOG_LEVELS = 1;',
    ].join('\n');
    const uses = variablesInScript(source, 'x.ts').map((use) => `${use.name}:${use.line}`);
    assert.deepEqual(uses, [
      'PACKETFLOW_QUOTED:3',
      'REDIS_URL:4',
      'LOG_LEVEL:5',
      'PACKETFLOW_HEAD:6',
      'PACKETFLOW_TAIL:6',
    ]);
  });

  it('takes names from a shell script outside its comments, quoted or not', () => {
    const script = [
      '#!/bin/sh',
      '# PACKETFLOW_IN_A_COMMENT',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, for the scanner
      'case "${PACKETFLOW_SERVICE:-}" in # PACKETFLOW_TRAILING',
      "  x) echo 'a # PACKETFLOW_QUOTED_HASH' ;;",
      'esac',
      'exec node "$PACKETFLOW_MAIN"',
    ].join('\n');
    const uses = variablesInShell(script, 'x.sh').map((use) => `${use.name}:${use.line}`);
    assert.deepEqual(uses, ['PACKETFLOW_SERVICE:3', 'PACKETFLOW_QUOTED_HASH:4', 'PACKETFLOW_MAIN:6']);
  });
});

describe('which variables a service reads', () => {
  it("its own package's, its libraries' and the image's; not another service's whose package it uses", () => {
    assert.deepEqual(readingPackages('gateway', packages).toSorted(), [
      '@packetflow/actors',
      '@packetflow/gateway',
      '@packetflow/protocol',
      '@packetflow/uws',
    ]);
    const gateway = variablesOfService('gateway', packages).map((variable) => variable.name);
    assert.ok(gateway.includes('PACKETFLOW_TOKEN_SECRET') && gateway.includes('PACKETFLOW_SERVICE'));
    assert.ok(!gateway.includes('PACKETFLOW_GUEST_RECORD_TTL_MS'), 'player-store reads that, in its own process');
    const physics = variablesOfService('physics', packages).map((variable) => variable.name);
    assert.ok(physics.includes('PACKETFLOW_SECRET') && !physics.includes('PACKETFLOW_TICK_RATE'));
  });
});

/** Every problem of the containers, and which services they run, so a check that found nothing cannot pass. */
function checked(containers: readonly DeployedContainer[]): { problems: string[]; services: string[] } {
  return {
    problems: containers.flatMap((container) => deployedContainerProblems(container)),
    services: [...new Set(containers.map((container) => container.env.PACKETFLOW_SERVICE ?? ''))].toSorted(),
  };
}

/** A copy of the Compose file in the scratch folder, changed by `edit`. */
function composeCopy(name: string, edit: (text: string) => string): string {
  const text = readFileSync(COMPOSE_FILE, 'utf8');
  const changed = edit(text);
  assert.notEqual(changed, text, `${name}: the edit changed the copy`);
  const file = join(scratch, `${name}.yaml`);
  writeFileSync(file, changed);
  return file;
}

describe('infra/compose.yaml', () => {
  it('sets only variables its services read, every one they require, and nothing they refuse', async () => {
    const { problems, services } = checked(await composeContainers());
    assert.deepEqual(problems, []);
    assert.deepEqual(services, SERVICES.toSorted());
  });

  it('a renamed variable fails, naming the file, the service and the variable', async () => {
    const file = composeCopy('renamed', (text) =>
      text.replace(/^(\s+)PACKETFLOW_GATEWAY_PUBLIC_ADDRESS:(.*:2567)$/m, '$1PACKETFLOW_GATEWAY_PUBLIC_ADRESS:$2'),
    );
    const problems = (await composeContainers(file)).flatMap((container) => deployedContainerProblems(container));
    const at = `${file}: service gateway-1 (gateway)`;
    assert.ok(
      problems.includes(
        `${at}: PACKETFLOW_GATEWAY_PUBLIC_ADRESS is set, but gateway reads no such variable ` +
          '(PACKETFLOW_GATEWAY_PUBLIC_ADDRESS?)',
      ),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) =>
        p.startsWith(`${at}: PACKETFLOW_GATEWAY_PUBLIC_ADDRESS is not set, but @packetflow/gateway`),
      ),
      problems.join('\n'),
    );
    assert.ok(
      problems.every((p) => p.startsWith(`${at}: `)),
      `only gateway-1 is at fault:\n${problems.join('\n')}`,
    );
  });

  it('a gateway without PACKETFLOW_TOKEN_SECRET fails, naming the file, the service and the variable', async () => {
    const file = composeCopy('no-token-secret', (text) => text.replace(/^\s+PACKETFLOW_TOKEN_SECRET:.*\n/m, ''));
    const problems = (await composeContainers(file)).flatMap((container) => deployedContainerProblems(container));
    for (const gateway of ['gateway-1', 'gateway-2']) {
      const at = `${file}: service ${gateway} (gateway)`;
      assert.ok(
        problems.includes(`${at}: PACKETFLOW_TOKEN_SECRET is not set, but @packetflow/gateway requires it always`),
        problems.join('\n'),
      );
      assert.ok(
        problems.includes(`${at}: loadConfig refuses it: PACKETFLOW_TOKEN_SECRET: required, at least 16 characters`),
        problems.join('\n'),
      );
    }
  });

  it('a combination a service refuses fails with its validator named', async () => {
    const file = composeCopy('peers-and-redis', (text) =>
      text.replace(/^(\s+)PACKETFLOW_NODE_ID: physics$/m, '$&\n$1PACKETFLOW_PEERS: physics=physics:7400/physics'),
    );
    const problems = (await composeContainers(file)).flatMap((container) => deployedContainerProblems(container));
    assert.deepEqual(problems, [
      `${file}: service physics (physics): readNodeConfig refuses it: PACKETFLOW_PEERS: set together with ` +
        'REDIS_URL: choose one membership, Redis or a static list',
    ]);
  });
});

describe('the Kubernetes overlays', () => {
  for (const overlay of ['dev', 'prod']) {
    it(`${overlay}: every container sets only variables its service reads, every one it requires, nothing refused`, () => {
      const { problems, services } = checked(kubernetesContainers(infraFile(`k8s/overlays/${overlay}`)));
      assert.deepEqual(problems, []);
      assert.deepEqual(services, SERVICES.toSorted());
    });
  }

  it('a manifest with a variable its service does not read fails, naming the file, the service and the variable', () => {
    const k8s = join(scratch, 'k8s');
    cpSync(infraFile('k8s'), k8s, { recursive: true });
    const manifest = join(k8s, 'base/gateway.yaml');
    const documents = parseAllDocuments(readFileSync(manifest, 'utf8'));
    const statefulSet = documents.find((document) => document.get('kind') === 'StatefulSet');
    assert.ok(statefulSet, 'base/gateway.yaml has the StatefulSet');
    const env = statefulSet.getIn(['spec', 'template', 'spec', 'containers', 0, 'env']) as { add(item: unknown): void };
    env.add(statefulSet.createNode({ name: 'PACKETFLOW_TICK_RATE', value: '60' }));
    writeFileSync(manifest, documents.map((document) => document.toString()).join('---\n'));

    const overlay = join(k8s, 'overlays/dev');
    const problems = kubernetesContainers(overlay).flatMap((container) => deployedContainerProblems(container));
    assert.deepEqual(problems, [
      `${overlay}: StatefulSet/gateway (${join(k8s, 'base/gateway.yaml')}) container gateway (gateway): ` +
        'PACKETFLOW_TICK_RATE is set, but gateway reads no such variable',
    ]);
  });
});

describe('the check of one container', () => {
  const image = { PACKETFLOW_ADMIN_PORT: '9464' };

  it('names the file and the container when PACKETFLOW_SERVICE does not choose a service', () => {
    assert.deepEqual(deployedEnvProblems('f.yaml', 'service x', { LOG_LEVEL: 'info' }, { imageEnv: image }), [
      'f.yaml: service x: PACKETFLOW_SERVICE is not set: the image runs one of gateway, game-logic, physics, player-store',
    ]);
    assert.deepEqual(deployedEnvProblems('f.yaml', 'service x', { PACKETFLOW_SERVICE: 'web' }, { imageEnv: image }), [
      'f.yaml: service x: PACKETFLOW_SERVICE is "web", not a service: the image runs one of gateway, game-logic, ' +
        'physics, player-store',
    ]);
  });

  it("runs the services' own validators beyond the node's: the tick rate, the log level", () => {
    const env = { PACKETFLOW_SERVICE: 'game-logic', PACKETFLOW_TICK_RATE: '0', LOG_LEVEL: 'loud' };
    assert.deepEqual(deployedEnvProblems('f.yaml', 'service g', env, { imageEnv: image }), [
      'f.yaml: service g (game-logic): logLevelFromEnv refuses it: LOG_LEVEL: expected one of fatal, error, warn, ' +
        'info, debug, trace, silent, got "loud"',
      'f.yaml: service g (game-logic): tickRateFromEnv refuses it: PACKETFLOW_TICK_RATE: expected a number of ticks ' +
        'per second in [1, 1000], got "0"',
    ]);
  });

  it("judges the image's environment under the file's: the image's admin port, the file's over it", () => {
    const env = { PACKETFLOW_SERVICE: 'physics', PACKETFLOW_ADMIN_HOST: '0.0.0.0' };
    assert.deepEqual(deployedEnvProblems('f.yaml', 'service p', env, { imageEnv: image }), []);
    assert.deepEqual(deployedEnvProblems('f.yaml', 'service p', env, { imageEnv: {} }), [
      'f.yaml: service p (physics): PACKETFLOW_ADMIN_PORT is not set, but @packetflow/actors requires it with ' +
        'PACKETFLOW_ADMIN_HOST',
      'f.yaml: service p (physics): PACKETFLOW_ADMIN_PORT is not set, but the image requires it always',
      'f.yaml: service p (physics): readNodeConfig refuses it: PACKETFLOW_ADMIN_HOST: set without ' +
        'PACKETFLOW_ADMIN_PORT, so no admin endpoint would listen there',
    ]);
  });
});

describe('a pod environment from a render', () => {
  it('expands $(VAR) from the variables before it, as the kubelet does', () => {
    assert.equal(expand('$(POD_IP):$(PORT)', { POD_IP: '10.0.0.12', PORT: '7400' }), '10.0.0.12:7400');
    assert.equal(expand('$(LATER)/x', {}), '$(LATER)/x');
    assert.equal(expand('$$(POD_IP)', { POD_IP: '10.0.0.12' }), '$(POD_IP)');
  });

  it('stands in for the downward API and for secrets it can guess, and names what it cannot', () => {
    const { env, problems } = podEnvironment('gateway', {
      POD_NAME: { from: 'field/metadata.name' },
      PACKETFLOW_NODE_ID: '$(POD_NAME)',
      PACKETFLOW_TOKEN_SECRET: { from: 'secret/s/token' },
      REDIS_URL: { from: 'secret/s/url' },
      PACKETFLOW_MATCH_SIZE: { from: 'configmap/outside/size' },
    });
    assert.equal(env.PACKETFLOW_NODE_ID, 'gateway-0');
    assert.ok((env.PACKETFLOW_TOKEN_SECRET ?? '').length >= 16);
    assert.match(env.REDIS_URL ?? '', /^redis:\/\//);
    assert.deepEqual(problems, [
      'PACKETFLOW_MATCH_SIZE comes from configmap/outside/size, which this check has no stand-in for',
    ]);
  });
});

describe(`infra/${VARIABLES_MD}`, () => {
  it('is what npm run variables -w @packetflow/infra writes from the catalogues now', () => {
    const written = readFileSync(infraFile(VARIABLES_MD), 'utf8');
    assert.equal(variablesMdDifference(written, `infra/${VARIABLES_MD}`), undefined);
  });

  it('lists every variable of every catalogue', () => {
    const markdown = variablesMarkdown(packages);
    for (const { variables } of [...CATALOGUES, { variables: IMAGE_VARIABLES }]) {
      for (const variable of variables) assert.ok(markdown.includes(`| \`${variable.name}\` |`), variable.name);
    }
  });

  it('a stale copy fails, naming the file and the line that differs', () => {
    const expected = variablesMarkdown(packages);
    const stale = expected.replace(
      '| `PACKETFLOW_TICK_RATE` | game-logic | no | `30` |',
      '| `PACKETFLOW_TICK_RATE` | game-logic | no | `20` |',
    );
    assert.notEqual(stale, expected);
    const line = expected.split('\n').findIndex((text) => text.includes('`PACKETFLOW_TICK_RATE` | game-logic')) + 1;
    const difference = variablesMdDifference(stale, 'infra/VARIABLES.md', expected);
    assert.match(difference ?? '', new RegExp(`^infra/VARIABLES\\.md:${line}: .*\`20\`.*run npm run variables`));
  });
});

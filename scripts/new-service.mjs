#!/usr/bin/env node
// npm run new:service -- <name>
//
// Creates services/<name>/, a workspace package hosting one actor kind (its contract, behavior, entry point, test
// and README, on the model of services/physics and services/player-store), and gives it its place wherever the
// repository lists its services: `npm start` (launcher), the image (Dockerfile, its entry point, infra's lists of
// what it runs), Compose, Prometheus and the Kubernetes manifests. Every edit is worked out before anything is
// written: a file that no longer looks as expected stops the generator with its name and nothing changed.
// docs/recipes/adding-a-service.md says what is left by hand.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

class GeneratorError extends Error {}

/** The service, package, compose service and actor kind all take this name. */
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function main(args) {
  if (args.length !== 1)
    throw new GeneratorError('usage: npm run new:service -- <name>   (e.g. npm run new:service -- chat)');
  const name = args[0];
  if (!NAME.test(name) || name.length > 40) {
    throw new GeneratorError(
      `"${name}" is not a service name: 1-40 lowercase letters, digits and single '-' between them, starting ` +
        'with a letter (it becomes the package @packetflow/<name>, the actor kind and the Compose and Kubernetes names)',
    );
  }
  refuseTaken(name);
  const names = namesOf(name);
  const writes = [...packageFiles(names), ...registrations(names)].map(([path, text]) => [
    path,
    text,
    existsSync(join(root, path)),
  ]);
  for (const [path, text] of writes) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  format(writes.map(([path]) => path).filter((path) => /\.(ts|json)$/.test(path)));
  const created = writes.filter(([, , existed]) => !existed).map(([path]) => path);
  const changed = writes.filter(([, , existed]) => existed).map(([path]) => path);
  console.log(`created (${created.length} files):\n  ${created.join('\n  ')}`);
  console.log(`added ${name} to (${changed.length} files):\n  ${changed.join('\n  ')}`);
  console.log(
    `\nnext: npm install (links @packetflow/${name} into node_modules), then\n` +
      `  npx turbo run build --filter=@packetflow/${name} && npm test -w @packetflow/${name}\n` +
      'and see docs/recipes/adding-a-service.md for what is left by hand (infra tests that list the services, docs).',
  );
}

/** A name already used by a package, a service of `npm start` or an actor kind it hosts would clash. */
function refuseTaken(name) {
  if (existsSync(join(root, 'services', name))) throw new GeneratorError(`services/${name} already exists`);
  const packages = workspacePackageNames();
  if (packages.has(`@packetflow/${name}`)) {
    throw new GeneratorError(
      `@packetflow/${name} is already a package of this repository (${packages.get(`@packetflow/${name}`)})`,
    );
  }
  const launcher = existsSync(join(root, 'launcher/src/services.ts')) ? read('launcher/src/services.ts') : '';
  const services = launcher.match(/export type ServiceName =([^;]*);/)?.[1] ?? '';
  if (services.includes(`'${name}'`)) throw new GeneratorError(`${name} is already a service of npm start`);
  const kind = kindDefinedAt(name, packages);
  if (kind !== undefined) throw new GeneratorError(`${name} is already an actor kind (${kind})`);
}

/** Where an actor kind named `name` is defined (a `…_KIND` constant in a package's sources), if anywhere. */
function kindDefinedAt(name, packages) {
  const definition = new RegExp(`_KIND\\s*=\\s*'${name}'`);
  for (const dir of packages.values()) {
    const src = join(root, dir, 'src');
    if (!existsSync(src)) continue;
    for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (!/\.(ts|mts)$/.test(file) || file.includes('generated')) continue;
      if (definition.test(readFileSync(join(src, file), 'utf8'))) return `${dir}/src/${file}`;
    }
  }
  return undefined;
}

function workspacePackageNames() {
  const found = new Map();
  for (const entry of JSON.parse(read('package.json')).workspaces ?? []) {
    const dirs = entry.endsWith('/*')
      ? readdirSync(join(root, entry.slice(0, -2)), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => `${entry.slice(0, -2)}/${e.name}`)
      : [entry];
    for (const dir of dirs) {
      const manifest = join(root, dir, 'package.json');
      if (existsSync(manifest)) found.set(JSON.parse(readFileSync(manifest, 'utf8')).name, dir);
    }
  }
  return found;
}

function namesOf(name) {
  const words = name.split('-');
  const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return {
    name,
    pascal,
    camel: pascal[0].toLowerCase() + pascal.slice(1),
    constant: `${words.join('_').toUpperCase()}_KIND`,
    pkg: `@packetflow/${name}`,
  };
}

function packageFiles(n) {
  const dir = `services/${n.name}`;
  const packageJson = {
    name: n.pkg,
    version: '0.1.0',
    description: `PacketFlow ${n.name} service: the \`${n.name}\` actor kind, one actor per key`,
    type: 'module',
    exports: { '.': { types: './dist/src/index.d.ts', default: './dist/src/index.js' } },
    files: ['dist/src'],
    scripts: {
      build: 'tsc -b',
      lint: 'biome check .',
      test: 'node ../../scripts/run-package-tests.mjs',
      start: 'node dist/src/main.js',
    },
    dependencies: { '@packetflow/actors': '0.1.0', '@packetflow/protocol': '0.1.0' },
  };
  const tsconfig = {
    extends: '../../tsconfig.base.json',
    compilerOptions: { rootDir: '.', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
    include: ['src', 'test'],
    // From services/<name>/ to the two packages it builds on, both inside this repository.
    references: ['protocol', 'actors'].map((pkg) => ({
      path: relative(join(root, dir), join(root, 'shared', pkg)),
    })),
  };
  return [
    [`${dir}/package.json`, `${JSON.stringify(packageJson, null, 2)}\n`],
    [`${dir}/tsconfig.json`, `${JSON.stringify(tsconfig, null, 2)}\n`],
    [`${dir}/src/${n.name}-contract.ts`, contract(n)],
    [`${dir}/src/${n.name}-behavior.ts`, behavior(n)],
    [`${dir}/src/index.ts`, index(n)],
    [`${dir}/src/main.ts`, entry(n)],
    [`${dir}/test/${n.name}.test.ts`, test(n)],
    [`${dir}/README.md`, readme(n)],
  ];
}

function contract(n) {
  return `import type { ActorSystem, AskOptions } from '@packetflow/actors';
import {
  createProtocolRegistry,
  Game,
  type MessageRegistry,
  ${n.constant},
  tableCodec,
  type WireMessage,
} from '@packetflow/protocol';

/** The actor kind of this service, named with the others in the protocol's kinds.ts. */
export { ${n.constant} };

/**
 * Adds \`score\` to the total of the actor's key; answered with \`${n.pascal}Total\`. The body reuses the protocol's
 * \`PlayerStats\` table under a name of its own, so no schema changes: only \`score\` is read, the key is the
 * actor's id. A message with fields of its own needs a table (docs/recipes/adding-a-message.md).
 */
export type ${n.pascal}Add = WireMessage<'${n.pascal}Add', Game.PlayerStatsT>;
/** The key's total after the addition, in \`score\` (\`player_id\` is the key). */
export type ${n.pascal}Total = WireMessage<'${n.pascal}Total', Game.PlayerStatsT>;

/** What a \`${n.name}\` actor accepts. */
export type ${n.pascal}Message = ${n.pascal}Add;
/** What it answers. */
export type ${n.pascal}Reply = ${n.pascal}Total;

/** Adds this kind's messages to a registry: every node that hosts the kind or asks it needs them. */
export function register${n.pascal}Messages(registry: MessageRegistry): MessageRegistry {
  return registry
    .register(tableCodec('PlayerStats', Game.PlayerStats, undefined, '${n.pascal}Add'))
    .register(tableCodec('PlayerStats', Game.PlayerStats, undefined, '${n.pascal}Total'));
}

/** The protocol's messages and this kind's. */
export function ${n.camel}Registry(registry: MessageRegistry = createProtocolRegistry()): MessageRegistry {
  return register${n.pascal}Messages(registry);
}

export function ${n.camel}Add(amount: number): ${n.pascal}Add {
  return { type: '${n.pascal}Add', body: new Game.PlayerStatsT('', 0, amount, 0, null) };
}

/**
 * Adds \`amount\` to \`key\`'s total, wherever in the cluster its actor lives, and resolves to the new total. A refused
 * amount rejects with the actor runtime's \`RefusedError\`.
 */
export async function addTo${n.pascal}(
  system: ActorSystem,
  key: string,
  amount: number,
  options?: AskOptions,
): Promise<number> {
  const ref = system.ref<${n.pascal}Message>(${n.constant}, key);
  const reply = await system.send<${n.pascal}Reply, ${n.pascal}Message>(ref, ${n.camel}Add(amount), options);
  return reply.body.score;
}
`;
}

function behavior(n) {
  return `import { defineBehavior, RefusedError } from '@packetflow/actors';
import { Game } from '@packetflow/protocol';
import type { ${n.pascal}Message, ${n.pascal}Total } from './${n.name}-contract.js';

/** The wire's \`score\` is a uint: a total past it could not be answered. */
const MAX_TOTAL = 0xffff_ffff;

export interface ${n.pascal}State {
  total: number;
}

/**
 * The \`${n.name}\` actor kind: a running total per key. Kept in memory: a key starts again from 0 when its actor is
 * activated afresh (idle for ten minutes, or moved to another node). Give it a store (\`storeFromEnv\` from
 * @packetflow/actors) when it must outlive that.
 */
export function ${n.camel}Behavior() {
  return defineBehavior<${n.pascal}State, ${n.pascal}Message>({
    initial: () => ({ total: 0 }),
    handlers: {
      ${n.pascal}Add: (message, ctx): ${n.pascal}Total => {
        const amount = message.body.score;
        // A refusal, not a failure: the asker gets a clear error and the actor keeps its total.
        if (!Number.isSafeInteger(amount) || amount < 0) {
          throw new RefusedError(\`${n.pascal}Add: score must be a non-negative integer, got \${amount}\`);
        }
        if (ctx.state.total + amount > MAX_TOTAL) {
          throw new RefusedError(\`${n.pascal}Add: the total would pass \${MAX_TOTAL}\`);
        }
        ctx.state.total += amount;
        return {
          type: '${n.pascal}Total',
          body: new Game.PlayerStatsT(ctx.self.id, 0, ctx.state.total, 0, null),
        };
      },
    },
    idleTimeoutMs: 10 * 60_000,
  });
}
`;
}

function index(n) {
  return `export { ${n.camel}Behavior, type ${n.pascal}State } from './${n.name}-behavior.js';
export * from './${n.name}-contract.js';
`;
}

function entry(n) {
  return `// The ${n.name} service alone: hosts the \`${n.name}\` actor kind, configured from the environment like any node
// (see @packetflow/actors' README, "Running a node").
import { createLogger, startNode } from '@packetflow/actors';
import { ${n.camel}Behavior } from './${n.name}-behavior.js';
import { ${n.constant}, ${n.camel}Registry } from './${n.name}-contract.js';

await startNode({
  register: (system) => system.register(${n.constant}, ${n.camel}Behavior()),
  registry: ${n.camel}Registry(),
  logger: createLogger({ service: '${n.name}' }),
});
`;
}

function test(n) {
  return `import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ActorSystem, RefusedError } from '@packetflow/actors';
import {
  ${n.constant},
  addTo${n.pascal},
  ${n.camel}Add,
  ${n.camel}Behavior,
  ${n.camel}Registry,
  type ${n.pascal}Message,
} from '../src/index.js';

describe('the ${n.name} actor kind', () => {
  let system: ActorSystem;
  before(async () => {
    system = await ActorSystem.start({ nodeId: 'test' });
    system.register(${n.constant}, ${n.camel}Behavior());
  });
  after(() => system.shutdown());

  test('each key keeps its own total', async () => {
    assert.equal(await addTo${n.pascal}(system, 'a', 2), 2);
    assert.equal(await addTo${n.pascal}(system, 'a', 3), 5);
    assert.equal(await addTo${n.pascal}(system, 'b', 1), 1);
  });

  test('a refused amount is a clear error and changes nothing', async () => {
    await assert.rejects(addTo${n.pascal}(system, 'c', -1), RefusedError);
    await assert.rejects(addTo${n.pascal}(system, 'c', 0.5), /non-negative integer/);
    assert.equal(await addTo${n.pascal}(system, 'c', 0), 0);
  });

  test('its messages cross nodes: the registry encodes and decodes them', () => {
    const registry = ${n.camel}Registry();
    const sent: ${n.pascal}Message = ${n.camel}Add(7);
    const decoded = registry.decode(sent.type, registry.encode(sent));
    assert.ok(decoded.ok);
    assert.equal(decoded.value.type, '${n.pascal}Add');
    assert.equal((decoded.value.body as typeof sent.body).score, 7);
  });
});
`;
}

function readme(n) {
  return `# ${n.pkg}

The ${n.name} service: the \`${n.name}\` actor kind, one actor per key (\`${n.name}/<key>\`) keeping a running total in
memory. \`${n.pascal}Add\` (the protocol's \`PlayerStats\` table, \`score\` read) is answered with \`${n.pascal}Total\`; a
negative or fractional amount is refused with a \`RefusedError\`. \`addTo${n.pascal}(system, key, amount)\` asks it from any
node whose registry has \`register${n.pascal}Messages\`.

\`\`\`sh
npm run build                      # at the repository root
npm start -w ${n.pkg}     # one node, configured like every PacketFlow node (shared/actors/README.md)
\`\`\`

Generated by \`npm run new:service -- ${n.name}\`; docs/recipes/adding-a-service.md says what to change next.
`;
}

/** The edits that give the service its place in the launcher, the image and the deployments. */
function registrations(n) {
  const edits = [];
  const edit = (path, change) => {
    if (!existsSync(join(root, path))) return;
    edits.push([path, change(read(path), path)]);
  };
  // Every kind is named once, in the protocol's kinds.ts; the service's contract re-exports it.
  if (!existsSync(join(root, 'shared/protocol/src/kinds.ts')))
    throw anchorMissing('shared/protocol/src/kinds.ts', 'its kinds');
  edits.push([
    'shared/protocol/src/kinds.ts',
    `${read('shared/protocol/src/kinds.ts').replace(/\n*$/, '\n')}/** One \`${n.name}\` actor per key (\`${n.name}/<key>\`), on ${n.name} hosts. */\n` +
      `export const ${n.constant} = '${n.name}';\n`,
  ]);
  edit('launcher/src/services.ts', (text, path) => {
    let out = replaceOnce(path, text, /(export type ServiceName =[^;]*?)(;)/, `$1 | '${n.name}'$2`);
    out = replaceOnce(
      path,
      out,
      /(import \{[^}]*?)\s*\} from '@packetflow\/protocol';/,
      `$1, ${n.constant} } from '@packetflow/protocol';`,
    );
    out = replaceOnce(
      path,
      out,
      /(separate: \[[\s\S]*?\n)(\s*)gateway,\n/,
      `$1$2{ name: '${n.name}', entry: mainOf('${n.pkg}'), roles: [${n.constant}] },\n$2gateway,\n`,
    );
    // In the `together` layout too, as a process of its own: both layouts host the same kinds.
    out = replaceOnce(
      path,
      out,
      /(together: \[[\s\S]*?\n)(\s*)gateway,\n/,
      `$1$2{ name: '${n.name}', entry: mainOf('${n.pkg}'), roles: [${n.constant}] },\n$2gateway,\n`,
    );
    return out;
  });
  edit('launcher/package.json', (text, path) => addDependency(path, text, 'dependencies', n.pkg));
  edit('launcher/tsconfig.json', (text, path) =>
    replaceOnce(path, text, /(\n(\s*)\{ "path": "\.\.\/gateway" \})/, `\n$2{ "path": "../services/${n.name}" },$1`),
  );
  edit('infra/docker/start-service.sh', (text, path) => {
    let out = replaceOnce(
      path,
      text,
      /^(\s*)([a-z0-9 |-]+)\) main="\$app\/services\//m,
      `$1$2 | ${n.name}) main="$app/services/`,
    );
    out = replaceOnce(path, out, /(expected gateway, [a-z0-9, -]+?) or ([a-z0-9-]+)"/, `$1, $2 or ${n.name}"`);
    return out;
  });
  edit('infra/docker/Dockerfile', (text, path) => {
    let out = replaceOnce(path, text, /(--filter=@packetflow\/player-store\.\.\.)/, `$1 --filter=${n.pkg}...`);
    out = replaceOnce(path, out, /(-w @packetflow\/player-store)/, `$1 -w ${n.pkg}`);
    // Each line that copies player-store's manifest or compiled code is needed for the new package too.
    const lines = out
      .split('\n')
      .flatMap((line) =>
        /^COPY .*services\/player-store\//.test(line) ? [line, line.replaceAll('player-store', n.name)] : [line],
      );
    if (lines.length === out.split('\n').length) throw anchorMissing(path, 'COPY lines for services/player-store');
    return lines.join('\n');
  });
  edit('infra/src/docker/runtime-packages.ts', (text, path) =>
    replaceOnce(
      path,
      text,
      /(export const IMAGE_SERVICES = \{[\s\S]*?)(\n\} as const;)/,
      `$1\n  '${n.name}': '${n.pkg}',$2`,
    ),
  );
  edit('infra/src/config/service-validators.ts', (text, path) =>
    replaceOnce(path, text, /(\n(\s*)physics: NODE,\n)/, `$1$2'${n.name}': NODE,\n`),
  );
  edit('infra/src/deploy/manifest-checks.ts', (text, path) =>
    replaceOnce(path, text, /(export const PACKETFLOW_SERVICES = \[[^\]]*?)(, 'gateway'\])/, `$1, '${n.name}'$2`),
  );
  edit('infra/compose.yaml', (text, path) => {
    // A gateway waits for every service it may call; infra's Compose checks hold it to that.
    const out = replaceOnce(
      path,
      text,
      /(\nx-gateway-depends-on:[\s\S]*?\n(\s*)player-store:\n\s*condition: service_healthy\n)/,
      `$1$2${n.name}:\n$2  condition: service_healthy\n`,
    );
    return replaceOnce(
      path,
      out,
      /(\nservices:\n[\s\S]*?\n {2}player-store:\n[\s\S]*?\n)(\n)/,
      `$1\n  ${n.name}:\n    <<: *packetflow\n    environment:\n      <<: *node-environment\n` +
        `      PACKETFLOW_SERVICE: ${n.name}\n      PACKETFLOW_NODE_ID: ${n.name}\n      PACKETFLOW_ADVERTISE: ${n.name}:7400\n` +
        '    depends_on: *on-redis\n$2',
    );
  });
  edit('infra/prometheus/prometheus.yml', (text, path) =>
    replaceOnce(
      path,
      text,
      /(\n {2}- job_name: player-store\n[\s\S]*?replacement: player-store\n)/,
      `$1\n  - job_name: ${n.name}\n    metrics_path: /metrics\n    dns_sd_configs:\n      - names: [${n.name}]\n` +
        '        type: A\n        port: 9464\n        refresh_interval: 5s\n    relabel_configs:\n' +
        `      - target_label: service\n        replacement: ${n.name}\n`,
    ),
  );
  if (existsSync(join(root, 'infra/k8s/base/physics.yaml'))) {
    edits.push([`infra/k8s/base/${n.name}.yaml`, deployment(n, read('infra/k8s/base/physics.yaml'))]);
  }
  edit('infra/k8s/base/kustomization.yaml', (text, path) =>
    replaceOnce(path, text, /(\n(\s*)- gateway\.yaml\n)/, `\n$2- ${n.name}.yaml$1`),
  );
  edit('infra/k8s/overlays/prod/kustomization.yaml', (text, path) =>
    replaceOnce(path, text, /(\nreplicas:\n)/, `$1  - name: ${n.name}\n    count: 2\n`),
  );
  edit('infra/k8s/overlays/prod/disruption-budgets.yaml', (text, path) => {
    const budget = text.match(/(apiVersion: policy\/v1\n[\s\S]*?component: physics\n)/)?.[1];
    if (budget === undefined) throw anchorMissing(path, "physics's PodDisruptionBudget");
    return `${text.replace(/\n*$/, '\n')}---\n${budget.replaceAll('physics', n.name)}`;
  });
  return edits;
}

/** physics's Deployment with the name changed, and its comments about worlds replaced by what holds for any kind. */
function deployment(n, physics) {
  const path = 'infra/k8s/base/physics.yaml';
  let text = replaceOnce(
    path,
    physics,
    /^(#.*\n)+/,
    `# ${n.name}: the \`${n.name}/<key>\` actors. A member of the actor cluster like every PacketFlow workload: it registers\n` +
      "# itself in Redis (PACKETFLOW_NODE_ID, the pod's name; PACKETFLOW_ADVERTISE, the pod's IP and cluster port) and the\n" +
      '# other members dial it there, not through a Service.\n',
  );
  text = replaceOnce(
    path,
    text,
    /((?:\n *#.*)+)(\n *strategy:)/,
    '\n  # A new pod joins before an old one leaves: the actors the old one held move to the members left.$2',
  );
  text = text.replaceAll(/\bphysics\b/g, n.name);
  return replaceOnce(
    path,
    text,
    /((?:\n *#.*)+)(\n *resources:)/,
    "\n          # The physics service's sizes, a starting point: measure this one under load and set its own.$2",
  );
}

function addDependency(path, text, field, pkg) {
  const manifest = JSON.parse(text);
  if (manifest[field] === undefined) throw anchorMissing(path, `"${field}"`);
  manifest[field] = Object.fromEntries(
    Object.entries({ ...manifest[field], [pkg]: '0.1.0' }).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function replaceOnce(path, text, pattern, replacement) {
  if (!pattern.test(text)) throw anchorMissing(path, String(pattern));
  return text.replace(pattern, replacement);
}

const anchorMissing = (path, what) =>
  new GeneratorError(
    `${path} no longer has ${what}: nothing was written; add the service there by hand or update this generator`,
  );

const read = (path) => readFileSync(join(root, path), 'utf8');

/**
 * Biome's formatting and safe fixes (import order), so that the files pass `npm run lint` as they are. Without VCS
 * integration: a copy of the repository without .git is a place the generator runs too.
 */
function format(paths) {
  const biome = join(root, 'node_modules/.bin/biome');
  if (!existsSync(biome)) {
    console.warn(
      'biome is not installed (npm install): run `npx biome check --write` on these files before committing',
    );
    return;
  }
  const result = spawnSync(biome, ['check', '--write', '--vcs-enabled=false', ...paths], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) console.warn(`biome still finds problems in these files:\n${result.stdout}${result.stderr}`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof GeneratorError)) throw error;
  console.error(`new:service: ${error.message}`);
  process.exit(1);
}

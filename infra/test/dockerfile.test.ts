// The image's Dockerfile, read with a real parser and checked stage by stage. No Docker engine runs on these
// machines, so it is never built here; pruned-tree.test.ts performs its install and starts the services instead.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readDockerfile } from '../src/docker/dockerfile.js';
import { type ImageExpectations, imageProblems } from '../src/docker/image-checks.js';
import { runtimePackages, workspacePackages } from '../src/docker/runtime-packages.js';
import { infraFile } from '../src/paths.js';

const FILE = 'infra/docker/Dockerfile';
const repo = infraFile('..');
const dockerfile = readFileSync(infraFile('docker/Dockerfile'), 'utf8');
const expectations: ImageExpectations = {
  repo,
  dockerignore: readFileSync(infraFile('../.dockerignore'), 'utf8'),
  workspaces: [...workspacePackages(repo).values()],
  runtimePackages: runtimePackages(repo),
};
const problemsOf = (text: string, expect: ImageExpectations = expectations) =>
  imageProblems(FILE, readDockerfile(text), expect);

/** The 1-based line of the Dockerfile that contains `needle`. */
const lineOf = (needle: string): number => dockerfile.split('\n').findIndex((line) => line.includes(needle)) + 1;
const RUNTIME = lineOf('AS runtime');
const DEPS = lineOf('AS deps');
const BUILD = lineOf('AS build');

/** The Dockerfile with `from` replaced by `to`, failing the test if `from` is not there (the mutation would be void). */
function mutated(from: string | RegExp, to: string): string {
  const changed = dockerfile.replace(from, to);
  assert.notEqual(changed, dockerfile, `the Dockerfile no longer contains ${from}`);
  return changed;
}

describe(FILE, () => {
  it('has the stages build, deps and runtime, each copying what the next needs', () => {
    assert.deepEqual(problemsOf(dockerfile), []);
    assert.deepEqual(
      readDockerfile(dockerfile).map((stage) => [stage.name, stage.image]),
      [
        ['build', 'node:24-trixie-slim'],
        ['deps', 'node:24-trixie-slim'],
        ['runtime', 'node:24-trixie-slim'],
      ],
    );
  });

  it('ships every workspace package the services run on, found from their package.json files', () => {
    assert.deepEqual(
      expectations.runtimePackages.map((pkg) => pkg.dir),
      [
        'gateway',
        'services/game-logic',
        'services/physics',
        'services/player-store',
        'shared/actors',
        'shared/protocol',
        'shared/uws',
      ],
    );
  });

  it('names the file, the line and the instruction for a runtime stage without a package the services need', () => {
    const text = mutated('COPY --from=build /app/shared/actors/dist/src shared/actors/dist/src/\n', '');
    assert.deepEqual(problemsOf(text), [
      `${FILE}:${RUNTIME}: COPY --from=build /app/shared/actors/dist/src: missing: @packetflow/actors runs in the image`,
    ]);
  });

  it('finds a new run-time dependency that no stage copies', () => {
    const withClient = expectations.runtimePackages.map((pkg) =>
      pkg.name === '@packetflow/gateway'
        ? { ...pkg, workspaceDependencies: [...pkg.workspaceDependencies, '@packetflow/client'] }
        : pkg,
    );
    const client = expectations.workspaces.find((pkg) => pkg.name === '@packetflow/client');
    assert.ok(client);
    const problems = problemsOf(dockerfile, { ...expectations, runtimePackages: [...withClient, client] });
    assert.deepEqual(problems, [
      `${FILE}:${DEPS}: FROM … AS deps: no COPY of clients/typescript/package.json (@packetflow/client runs in the image)`,
      `${FILE}:${RUNTIME}: COPY --from=build /app/clients/typescript/package.json: missing: @packetflow/client runs in the image`,
      `${FILE}:${RUNTIME}: COPY --from=build /app/clients/typescript/dist/src: missing: @packetflow/client runs in the image`,
    ]);
  });

  it('refuses dev dependencies in the runtime stage, a root user, no init and no healthcheck', () => {
    const problems = (text: string) => problemsOf(text).map((p) => p.replace(/^[^:]+:\d+: /, ''));
    assert.match(problems(mutated(/(RUN npm ci --omit=dev) /, 'RUN npm ci ')).join('\n'), /installs dev dependencies/);
    assert.deepEqual(problems(mutated('USER node', 'USER root')), ['USER root: runs as root']);
    assert.deepEqual(problems(mutated(/^USER node\n/m, '')), ['USER: missing: the runtime stage runs as root']);
    assert.deepEqual(
      problems(mutated('"/usr/bin/tini", "--", ', '')).map((p) => p.split(': ').at(-1)),
      ['/app/infra/docker/start-service.sh is not an init process (tini or dumb-init)'],
    );
    assert.deepEqual(problems(mutated(/^HEALTHCHECK .*\n/m, '')), [
      'HEALTHCHECK: missing, or its CMD not in exec form',
    ]);
    assert.match(
      problems(mutated('COPY --from=deps /app/node_modules', 'COPY --from=build /app/node_modules')).join('\n'),
      /COPY --from=build: \/app\/node_modules: dev dependencies too/,
    );
  });

  it('refuses a Node other than 24 on Debian 13, and files the context leaves out', () => {
    const old = problemsOf(mutated(/node:24-trixie-slim AS runtime/, 'node:20-bookworm-slim AS runtime'));
    assert.deepEqual(old, [
      `${FILE}:${RUNTIME}: FROM node:20-bookworm-slim AS runtime: expected node:24-trixie-slim (Node 24 on Debian 13)`,
    ]);
    const ignored = problemsOf(dockerfile, { ...expectations, dockerignore: `${expectations.dockerignore}\n**/src\n` });
    assert.ok(ignored.length > 0);
    for (const problem of ignored)
      assert.ok(problem.startsWith(`${FILE}:${BUILD}: COPY . .: .dockerignore leaves out `), problem);
    const missing = problemsOf(mutated('infra/docker/healthcheck.mjs infra/docker/', 'infra/docker/'));
    assert.deepEqual(
      missing.map((p) => p.split(': ').at(-1)),
      ['/app/infra/docker/healthcheck.mjs is not copied into the stage'],
    );
  });
});

// What the image must hold, checked on the parsed Dockerfile: each stage copies what the next one needs, the
// runtime stage has only production dependencies, runs as a non-root user under an init, and has a healthcheck.
// Every problem names the file, the line and the instruction (the key) at fault.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { copyPaths, type DockerInstruction, type DockerStage, workdirAt } from './dockerfile.js';
import type { WorkspacePackage } from './runtime-packages.js';

export interface ImageExpectations {
  /** The repository root: the build context. */
  readonly repo: string;
  /** The .dockerignore's text, applied to the context. */
  readonly dockerignore: string;
  /** Every workspace package: `npm ci` in the build stage needs each one's manifest. */
  readonly workspaces: readonly WorkspacePackage[];
  /** The packages the services run on (their folders' package.json and dist/src must reach the runtime stage). */
  readonly runtimePackages: readonly WorkspacePackage[];
}

// The package is CommonJS (`module.exports = factory`) typed as an ES default export, which NodeNext resolution
// reads as the module namespace; require gives the factory itself.
const dockerignore = createRequire(import.meta.url)(
  '@balena/dockerignore',
) as typeof import('@balena/dockerignore').default;

const STAGES = ['build', 'deps', 'runtime'] as const;
/** Node 24 on Debian 13: the uWebSockets.js build for Node 24 needs glibc >= 2.38 (README, support matrix). */
const RUNTIME_IMAGE = /^node:24(\.\d+){0,2}-trixie-slim(@sha256:[0-9a-f]{64})?$/;

export function imageProblems(file: string, stages: readonly DockerStage[], expect: ImageExpectations): string[] {
  const problems: string[] = [];
  const at = (line: number, key: string, message: string) => problems.push(`${file}:${line}: ${key}: ${message}`);
  const names = stages.map((s) => s.name);
  if (names.join() !== STAGES.join()) {
    at(stages[0]?.line ?? 1, 'FROM', `stages are ${JSON.stringify(names)}, expected ${JSON.stringify(STAGES)}`);
    return problems;
  }
  const [build, deps, runtime] = stages as [DockerStage, DockerStage, DockerStage];
  for (const stage of stages) {
    if (!RUNTIME_IMAGE.test(stage.image)) {
      at(stage.line, `FROM ${stage.image} AS ${stage.name}`, 'expected node:24-trixie-slim (Node 24 on Debian 13)');
    }
  }
  const ignored = dockerignore({ ignorecase: false }).add(expect.dockerignore);
  const copies = (stage: DockerStage) => stage.instructions.filter((i) => i.keyword === 'COPY');
  const runs = (stage: DockerStage) => stage.instructions.filter((i) => i.keyword === 'RUN');
  const key = (i: DockerInstruction) => `${i.keyword} ${i.text}`.slice(0, 100);

  // Context sources exist and survive .dockerignore; --from sources name an earlier stage.
  for (const [index, stage] of stages.entries()) {
    for (const copy of copies(stage)) {
      const from = copy.flags.from;
      const { sources } = copyPaths(copy);
      if (from === undefined) {
        for (const source of sources) {
          const path = source.replace(/^\.\/?/, '').replace(/\/$/, '');
          if (path !== '' && !existsSync(join(expect.repo, path))) {
            at(copy.line, key(copy), `${source} is not in the build context (the repository)`);
          } else if (path !== '' && ignored.ignores(path)) {
            at(copy.line, key(copy), `${source} is excluded by .dockerignore`);
          }
        }
      } else if (!names.slice(0, index).includes(from)) {
        at(copy.line, key(copy), `--from=${from} is not an earlier stage`);
      }
    }
  }

  // build: the whole workspace, installed from the lock file and built for every service.
  const buildCopiesAll = copies(build).some((c) => copyPaths(c).sources.includes('.'));
  if (!buildCopiesAll) at(build.line, 'FROM … AS build', 'no COPY . . of the workspace to build');
  else {
    const needed = [
      'package-lock.json',
      ...expect.workspaces.map((pkg) => `${pkg.dir}/package.json`),
      ...expect.runtimePackages.map((pkg) => `${pkg.dir}/src`),
    ];
    for (const path of needed.filter((p) => ignored.ignores(p))) {
      at(build.line, 'COPY . .', `.dockerignore leaves out ${path}, which the build needs`);
    }
  }
  if (!runs(build).some((r) => /\bnpm ci\b/.test(r.text) && !/--omit=dev/.test(r.text))) {
    at(build.line, 'FROM … AS build', 'no RUN npm ci (with dev dependencies, to compile)');
  }
  const buildRun = runs(build).find((r) => /\bturbo run build\b|\bnpm run build\b/.test(r.text));
  if (!buildRun) at(build.line, 'FROM … AS build', 'no RUN of the build');
  const builds = (pkg: WorkspacePackage): boolean =>
    buildRun !== undefined &&
    (/\bnpm run build\b/.test(buildRun.text) ||
      !/--filter/.test(buildRun.text) ||
      expect.runtimePackages.some(
        (service) =>
          buildRun.text.includes(`--filter=${service.name}...`) && dependsOn(service, pkg, expect.runtimePackages),
      ));

  // deps: production dependencies only, from the lock file and every runtime package's manifest.
  const depsSources = new Set(copies(deps).flatMap((c) => copyPaths(c).sources));
  for (const needed of ['package.json', 'package-lock.json']) {
    if (!depsSources.has(needed)) at(deps.line, 'FROM … AS deps', `no COPY of ${needed}`);
  }
  const install = runs(deps).find((r) => /\bnpm ci\b/.test(r.text));
  if (!install) at(deps.line, 'FROM … AS deps', 'no RUN npm ci');
  else if (!/--omit=dev\b/.test(install.text)) at(install.line, key(install), 'installs dev dependencies');
  for (const pkg of expect.runtimePackages) {
    if (!depsSources.has(`${pkg.dir}/package.json`)) {
      at(deps.line, 'FROM … AS deps', `no COPY of ${pkg.dir}/package.json (${pkg.name} runs in the image)`);
    }
  }
  for (const run of runs(deps)) {
    for (const script of run.text.match(/[\w./-]+\.m?js\b/g) ?? []) {
      if (![...depsSources].some((source) => source === script)) {
        at(run.line, key(run), `runs ${script}, which no earlier COPY of this stage brings`);
      }
    }
  }

  // runtime: node_modules from deps only; each runtime package's manifest and compiled code from build.
  const fromStage = (stage: string) =>
    copies(runtime)
      .filter((c) => c.flags.from === stage)
      .flatMap((c) => copyPaths(c).sources);
  const buildWorkdir = workdirAt(build, build.instructions.at(-1) ?? build.instructions[0]!);
  const fromBuild = new Set(fromStage('build'));
  for (const source of fromBuild) {
    if (source.includes('node_modules')) at(runtime.line, 'COPY --from=build', `${source}: dev dependencies too`);
  }
  const depsWorkdir = workdirAt(deps, install ?? deps.instructions[0]!);
  if (!fromStage('deps').includes(`${depsWorkdir.replace(/\/$/, '')}/node_modules`)) {
    at(runtime.line, 'COPY --from=deps', `no COPY of ${depsWorkdir}/node_modules (the production dependencies)`);
  }
  for (const pkg of expect.runtimePackages) {
    for (const part of ['package.json', 'dist/src']) {
      const source = `${buildWorkdir.replace(/\/$/, '')}/${pkg.dir}/${part}`;
      if (!fromBuild.has(source))
        at(runtime.line, `COPY --from=build ${source}`, `missing: ${pkg.name} runs in the image`);
    }
    if (buildRun && !builds(pkg)) at(buildRun.line, key(buildRun), `does not build ${pkg.name}`);
  }

  // runtime: a non-root user, an init that forwards signals, and a healthcheck, each using files the stage has.
  const runtimeWorkdir = workdirAt(runtime, runtime.instructions.at(-1)!);
  const runtimeFiles = copies(runtime)
    .filter((c) => c.flags.from === undefined)
    .flatMap((c) => {
      const { sources, destination } = copyPaths(c);
      const dir = destination.startsWith('/') ? destination : `${runtimeWorkdir.replace(/\/$/, '')}/${destination}`;
      return sources.map((s) => (dir.endsWith('/') ? `${dir}${s.split('/').at(-1)}` : dir));
    });
  const user = runtime.instructions.filter((i) => i.keyword === 'USER').at(-1);
  if (!user) at(runtime.line, 'USER', 'missing: the runtime stage runs as root');
  else if (/^(root|0)(:|$)/.test(user.args[0] ?? '')) at(user.line, key(user), 'runs as root');
  const entrypoint = runtime.instructions.find((i) => i.keyword === 'ENTRYPOINT');
  const init = entrypoint?.json?.[0];
  if (!entrypoint?.json || !init) at(entrypoint?.line ?? runtime.line, 'ENTRYPOINT', 'missing, or not in exec form');
  else {
    const initName = init.split('/').at(-1) ?? init;
    if (!['tini', 'dumb-init'].includes(initName)) {
      at(entrypoint.line, key(entrypoint), `${init} is not an init process (tini or dumb-init)`);
    } else if (!runs(runtime).some((r) => r.text.includes(initName))) {
      at(entrypoint.line, key(entrypoint), `${initName} is not installed by a RUN of the runtime stage`);
    }
    for (const path of entrypoint.json.slice(1).filter((arg) => arg.startsWith(runtimeWorkdir))) {
      if (!runtimeFiles.includes(path)) at(entrypoint.line, key(entrypoint), `${path} is not copied into the stage`);
    }
  }
  const healthcheck = runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK');
  if (!healthcheck?.json) at(runtime.line, 'HEALTHCHECK', 'missing, or its CMD not in exec form');
  else {
    for (const path of healthcheck.json.filter((arg) => arg.startsWith(runtimeWorkdir))) {
      if (!runtimeFiles.includes(path)) at(healthcheck.line, key(healthcheck), `${path} is not copied into the stage`);
    }
  }
  return problems;
}

/** Whether `pkg` is `service` or among its run-time workspace dependencies. */
function dependsOn(service: WorkspacePackage, pkg: WorkspacePackage, all: readonly WorkspacePackage[]): boolean {
  if (service.name === pkg.name) return true;
  return service.workspaceDependencies.some((dep) => {
    const next = all.find((p) => p.name === dep);
    return next !== undefined && dependsOn(next, pkg, all);
  });
}

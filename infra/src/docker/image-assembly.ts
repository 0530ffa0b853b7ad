// Performs the Dockerfile's deps and runtime stages by hand into a scratch directory, as `docker build` would, so
// that the services can be started from exactly the files the image would hold. The build stage is this working
// tree after `npm run build`: its `/app` is the repository. RUN instructions run through `runStep` (the tests run
// them under Node 24 in a Debian 13 root); the runtime stage's apt-get steps install system packages into the image
// (tini) and are skipped and reported.
import { cpSync, mkdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { copyPaths, type DockerInstruction, type DockerStage, workdirAt } from './dockerfile.js';

export interface AssembledImage {
  /** The runtime stage's working directory (`/app` in the image) in the scratch directory. */
  readonly appDir: string;
  /** The runtime stage's ENV. */
  readonly env: Readonly<Record<string, string>>;
  /** The runtime stage's last USER. */
  readonly user: string | undefined;
  /** ENTRYPOINT in exec form, with image paths under the working directory moved into the scratch directory. */
  readonly entrypoint: readonly string[];
  /** HEALTHCHECK's CMD, with paths moved the same way. */
  readonly healthcheck: readonly string[];
  /** RUN steps not performed, as written. */
  readonly skipped: readonly string[];
}

export interface AssemblyOptions {
  /** The build context, and the build stage's working directory. */
  readonly repo: string;
  /** Each stage's filesystem root goes in `<scratch>/<stage name>`. */
  readonly scratch: string;
  /** Runs one RUN step (`/bin/sh -c text`) with `cwd` (a path in the scratch directory); rejects if it fails. */
  readonly runStep: (text: string, cwd: string) => Promise<void>;
}

const SKIPPED_RUN = /^apt-get update && apt-get install /;

export async function assembleImage(stages: readonly DockerStage[], options: AssemblyOptions): Promise<AssembledImage> {
  const build = stages.find((s) => s.name === 'build');
  const runtime = stages.at(-1);
  if (!build || !runtime || runtime === build) throw new Error('expected a build stage and a runtime stage after it');
  const buildWorkdir = workdirAt(build, build.instructions.at(-1)!);
  // Where each stage's absolute paths live on this machine.
  const stageRoot = (name: string): ((path: string) => string) => {
    if (name === 'build') {
      return (path) => {
        if (!path.startsWith(`${buildWorkdir}/`)) throw new Error(`the build stage has ${path} only in the image`);
        return join(options.repo, path.slice(buildWorkdir.length + 1));
      };
    }
    return (path) => join(options.scratch, name, path);
  };

  const skipped: string[] = [];
  let assembled: AssembledImage | undefined;
  for (const stage of stages.slice(stages.indexOf(build) + 1)) {
    const at = stageRoot(stage.name);
    const env: Record<string, string> = {};
    let user: string | undefined;
    for (const instruction of stage.instructions) {
      const cwd = at(workdirAt(stage, instruction));
      switch (instruction.keyword) {
        case 'WORKDIR':
          mkdirSync(cwd, { recursive: true });
          break;
        case 'ENV':
          for (const pair of instruction.args) {
            const [name, ...value] = pair.split('=');
            if (name) env[name] = value.join('=');
          }
          break;
        case 'USER':
          user = instruction.args[0];
          break;
        case 'COPY':
          copy(instruction, cwd, at, (path) => {
            const from = instruction.flags.from;
            return from === undefined ? join(options.repo, path) : stageRoot(from)(path);
          });
          break;
        case 'RUN':
          if (stage === runtime && SKIPPED_RUN.test(instruction.text)) skipped.push(instruction.text);
          else {
            mkdirSync(cwd, { recursive: true });
            await options.runStep(instruction.text, cwd);
          }
          break;
      }
    }
    if (stage === runtime) {
      const workdir = workdirAt(stage, stage.instructions.at(-1)!);
      const appDir = at(workdir);
      const moved = (args: readonly string[]) =>
        args.map((arg) => (arg.startsWith(`${workdir}/`) ? join(appDir, arg.slice(workdir.length + 1)) : arg));
      const entrypoint = stage.instructions.find((i) => i.keyword === 'ENTRYPOINT')?.json ?? [];
      const healthcheck = stage.instructions.find((i) => i.keyword === 'HEALTHCHECK')?.json ?? [];
      assembled = { appDir, env, user, entrypoint: moved(entrypoint), healthcheck: moved(healthcheck), skipped };
    }
  }
  if (!assembled) throw new Error('no runtime stage');
  return assembled;
}

/** COPY as Docker does it: a directory's contents into the destination, a file into it (or as it, without a `/`). */
function copy(
  instruction: DockerInstruction,
  cwd: string,
  at: (path: string) => string,
  source: (path: string) => string,
): void {
  const { sources, destination } = copyPaths(instruction);
  const target = destination.startsWith('/') ? at(destination) : join(cwd, destination);
  for (const path of sources) {
    const from = source(path === '.' ? '' : path);
    const isDirectory = statSync(from).isDirectory();
    const to =
      !isDirectory && (destination.endsWith('/') || destination === '.' || destination === './')
        ? join(target, basename(from))
        : target;
    // Workspace links in node_modules are relative, as npm made them; they must stay so in the copy.
    cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  }
}

// What the image gives every container, read from infra/docker/Dockerfile: the environment its runtime stage sets
// and the scripts of this repository it copies in (its entry point and HEALTHCHECK), which read variables too.
import { readFileSync } from 'node:fs';
import { copyPaths, type DockerStage, readDockerfile } from '../docker/dockerfile.js';
import { infraFile } from '../paths.js';

export const DOCKERFILE = infraFile('docker/Dockerfile');

/** The stage the image is made of: the last one. */
export function runtimeStage(text: string = readFileSync(DOCKERFILE, 'utf8')): DockerStage {
  const stage = readDockerfile(text).at(-1);
  if (stage === undefined) throw new Error('infra/docker/Dockerfile: no stage');
  return stage;
}

/** The variables the stage's ENV instructions set, in both forms (`ENV A=1 B=2` and the legacy `ENV A 1`). */
export function imageEnvironment(stage: DockerStage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    const [first = '', ...rest] = instruction.args;
    if (!first.includes('=')) {
      env[first] = rest.join(' ');
      continue;
    }
    for (const pair of instruction.args) {
      const at = pair.indexOf('=');
      env[pair.slice(0, at)] = pair.slice(at + 1).replace(/^(["'])(.*)\1$/, '$2');
    }
  }
  return env;
}

/** The files the stage copies from the build context (not from another stage) under infra/, repository-relative. */
export function imageScripts(stage: DockerStage): string[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY' && i.flags.from === undefined)
    .flatMap((i) => copyPaths(i).sources)
    .filter((source) => source.startsWith('infra/'));
}

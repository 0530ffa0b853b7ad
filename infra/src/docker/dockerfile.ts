// A Dockerfile read with a real parser (dockerfile-ast, the one behind VS Code's Docker support) into its stages,
// so that checks and the pruned-tree test follow what the file says rather than a copy of it.
import { DockerfileParser, type Instruction } from 'dockerfile-ast';

export interface DockerInstruction {
  readonly keyword: string;
  /** `--from=deps` as `{ from: 'deps' }`. */
  readonly flags: Readonly<Record<string, string>>;
  /** The arguments as the shell form splits them (flags excluded). */
  readonly args: readonly string[];
  /** The exec (JSON) form's strings, when the instruction uses it. */
  readonly json: readonly string[] | undefined;
  /** The arguments as written, continuation lines joined: what a RUN hands to `/bin/sh -c`. */
  readonly text: string;
  /** 1-based, for messages. */
  readonly line: number;
}

export interface DockerStage {
  readonly name: string;
  readonly image: string;
  readonly line: number;
  readonly instructions: readonly DockerInstruction[];
}

function jsonForm(instruction: Instruction): string[] | undefined {
  const strings = (instruction as { getJSONStrings?: () => { getJSONValue(): string }[] }).getJSONStrings?.();
  return strings && strings.length > 0 ? strings.map((s) => s.getJSONValue()) : undefined;
}

function flagsOf(instruction: Instruction): Record<string, string> {
  const flags = (instruction as { getFlags?: () => { getName(): string; getValue(): string | null }[] }).getFlags?.();
  return Object.fromEntries((flags ?? []).map((flag) => [flag.getName(), flag.getValue() ?? '']));
}

/** The stages in order; instructions before the first FROM (ARGs) are not part of any stage and are dropped. */
export function readDockerfile(text: string): DockerStage[] {
  const stages: { name: string; image: string; line: number; instructions: DockerInstruction[] }[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword();
    const line = instruction.getRange().start.line + 1;
    if (keyword === 'FROM') {
      const [image = '', as, name] = instruction.getArguments().map((arg) => arg.getValue());
      stages.push({
        name: as?.toUpperCase() === 'AS' && name ? name : String(stages.length),
        image,
        line,
        instructions: [],
      });
      continue;
    }
    const json = keyword === 'HEALTHCHECK' ? healthcheckJson(instruction) : jsonForm(instruction);
    stages.at(-1)?.instructions.push({
      keyword,
      flags: flagsOf(instruction),
      args: instruction.getArguments().map((arg) => arg.getValue()),
      json,
      text: (instruction.getArgumentsContent() ?? '').replace(/\\\n\s*/g, ''),
      line,
    });
  }
  return stages;
}

/** `HEALTHCHECK [options] CMD ["node", "x"]`: the parser keeps CMD's JSON as raw words, so read it from the text. */
function healthcheckJson(instruction: Instruction): string[] | undefined {
  const content = instruction.getArgumentsContent() ?? '';
  const match = /\bCMD\s+(\[.*\])\s*$/s.exec(content);
  if (!match?.[1]) return undefined;
  try {
    const parsed: unknown = JSON.parse(match[1]);
    return Array.isArray(parsed) && parsed.every((s) => typeof s === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** COPY's sources and destination. */
export function copyPaths(instruction: DockerInstruction): { sources: string[]; destination: string } {
  const paths = instruction.json ?? instruction.args;
  return { sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' };
}

/** The stage's working directory at an instruction, as that instruction leaves it (`/` before any WORKDIR). */
export function workdirAt(stage: DockerStage, instruction: DockerInstruction): string {
  let dir = '/';
  for (const i of stage.instructions) {
    if (i.keyword === 'WORKDIR')
      dir = i.args[0]?.startsWith('/') ? i.args[0] : `${dir.replace(/\/$/, '')}/${i.args[0]}`;
    if (i === instruction) break;
  }
  return dir;
}

// infra/VARIABLES.md, written from the catalogues: which service reads which variable, and each package's list.
import type { EnvVariable } from '@packetflow/actors';
import { type WorkspacePackage, workspacePackages } from '../docker/runtime-packages.js';
import { CATALOGUES } from './catalogues.js';
import { IMAGE_VARIABLES } from './image-variables.js';
import { REPO_ROOT, SERVICES, variablesOfService } from './service-variables.js';

export const VARIABLES_MD = 'VARIABLES.md';

const cell = (text: string): string => text.replaceAll('|', '\\|');
const code = (text: string): string => `\`${text}\``;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

function catalogueTable(variables: readonly EnvVariable[]): string[] {
  return table(
    ['variable', 'read by', 'required', 'default', 'meaning'],
    variables.map((v) => [
      code(v.name),
      v.readBy,
      v.required?.when ?? 'no',
      v.default === undefined ? '' : code(v.default),
      v.description,
    ]),
  );
}

/** What a service's process makes of a variable: read, required always, or required in some settings. */
function usage(service: (typeof SERVICES)[number], name: string, packages: ReadonlyMap<string, WorkspacePackage>) {
  const entries = variablesOfService(service, packages).filter((variable) => variable.name === name);
  if (entries.length === 0) return '';
  if (entries.some((variable) => variable.required?.when === 'always')) return '**required**';
  return entries.some((variable) => variable.required !== undefined) ? 'required when…' : 'reads';
}

/** The whole of infra/VARIABLES.md. */
export function variablesMarkdown(
  packages: ReadonlyMap<string, WorkspacePackage> = workspacePackages(REPO_ROOT),
): string {
  const names = [...new Set(SERVICES.flatMap((service) => variablesOfService(service, packages).map((v) => v.name)))];
  const lines = [
    '# Environment variables',
    '',
    '<!-- Written by `npm run variables -w @packetflow/infra` from the catalogues below; infra/test/variables.test.ts',
    'fails when this file is not what it would write. -->',
    '',
    'Every variable a PacketFlow service reads, from the catalogue each package keeps beside its code (a test keeps',
    "each equal to the names the package's code reads). A service's process reads its own package's variables, those",
    "of every PacketFlow library it runs on (not those of another service's package it uses: a service reads its own",
    "in its entry point only), and the image's. An empty variable counts as unset. The Compose file and the",
    'Kubernetes manifests set only these, and every one a service requires (`infra/test/variables.test.ts`).',
    '',
    '## By service',
    '',
    '"required when…": required in some settings, which the tables below say.',
    '',
    ...table(
      ['variable', ...SERVICES],
      names.toSorted().map((name) => [code(name), ...SERVICES.map((service) => usage(service, name, packages))]),
    ),
    '',
    '## The image (`infra/docker`)',
    '',
    ...catalogueTable(IMAGE_VARIABLES),
  ];
  for (const catalogue of CATALOGUES) {
    const dir = packages.get(catalogue.package)?.dir;
    lines.push('', `## ${code(catalogue.package)} (${code(`${dir}/${catalogue.module}`)})`, '');
    lines.push(...catalogueTable(catalogue.variables));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Where `written` (the text of `file`) differs from what `npm run variables` would write now, as a message naming
 * the file and the first line that differs; undefined when it is up to date.
 */
export function variablesMdDifference(
  written: string,
  file: string,
  expected: string = variablesMarkdown(),
): string | undefined {
  if (written === expected) return undefined;
  const have = written.split('\n');
  const want = expected.split('\n');
  const line = want.findIndex((text, index) => have[index] !== text);
  const at = line === -1 ? want.length : line;
  return (
    `${file}:${at + 1}: ${JSON.stringify(have[at] ?? '(end of file)')}, but the catalogues give ` +
    `${JSON.stringify(want[at] ?? '(end of file)')}: run npm run variables -w @packetflow/infra`
  );
}

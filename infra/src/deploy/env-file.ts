import { readFileSync } from 'node:fs';

/**
 * The variables of a `.env` file as Compose reads it: `KEY=VALUE` lines, `#` comments and blank lines skipped, a
 * value in matching single or double quotes taken without them. Anything else is an error naming the file and line,
 * since Compose would refuse it too.
 */
export function readEnvFile(file: string): Record<string, string> {
  const variables: Record<string, string> = {};
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      const text = line.trim();
      if (text === '' || text.startsWith('#')) return;
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(text);
      if (!match) throw new Error(`${file}:${index + 1}: expected KEY=VALUE, got ${JSON.stringify(text)}`);
      variables[match[1]!] = unquote(match[2]!);
    });
  return variables;
}

function unquote(value: string): string {
  const quoted = /^(['"])(.*)\1$/.exec(value);
  return quoted ? quoted[2]! : value;
}

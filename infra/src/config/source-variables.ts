// Which environment variables code refers to, read with the TypeScript compiler's own parser so that a name in a
// comment (a README-like remark about another package's variable) never counts, and every name in code does.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import ts from 'typescript';
import { namesIn } from './variable-names.js';

export interface VariableUse {
  readonly name: string;
  /** As messages name it: relative to the repository root. */
  readonly file: string;
  readonly line: number;
}

const SCRIPT_KINDS: Readonly<Record<string, ts.ScriptKind>> = {
  '.ts': ts.ScriptKind.TS,
  '.mts': ts.ScriptKind.TS,
  '.js': ts.ScriptKind.JS,
  '.mjs': ts.ScriptKind.JS,
};

/**
 * The variable names a TypeScript or JavaScript source uses: inside string and template literals (`'PACKETFLOW_X'`,
 * `env['X']`, messages) and as identifiers (`env.REDIS_URL`, `const { LOG_LEVEL } = env`), never in comments.
 */
export function variablesInScript(text: string, file: string): VariableUse[] {
  const kind = SCRIPT_KINDS[extname(file)] ?? ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const uses: VariableUse[] = [];
  const visit = (node: ts.Node): void => {
    const text = literalOrIdentifierText(node);
    if (text !== undefined) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      for (const name of namesIn(text)) uses.push({ name, file, line });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

function literalOrIdentifierText(node: ts.Node): string | undefined {
  if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) return node.text;
  if (ts.isIdentifier(node)) return node.text;
  return undefined;
}

/**
 * The variable names a POSIX shell script uses outside comments (`#` at the start of a word, outside quotes, up to
 * the end of the line).
 */
export function variablesInShell(text: string, file: string): VariableUse[] {
  return text
    .split('\n')
    .flatMap((line, index) => namesIn(withoutShellComment(line)).map((name) => ({ name, file, line: index + 1 })));
}

function withoutShellComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quote !== undefined) {
      if (char === '\\' && quote === '"') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '\\') {
      i++;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) {
      return line.slice(0, i);
    }
  }
  return line;
}

/** The variable uses in a script file, shell or TypeScript/JavaScript by its extension; `file` relative to `root`. */
export function variablesInFile(path: string, root: string): VariableUse[] {
  const text = readFileSync(path, 'utf8');
  const file = relative(root, path);
  return extname(path) === '.sh' ? variablesInShell(text, file) : variablesInScript(text, file);
}

/** Every `.ts` file under a package's `src/`, as paths. */
export function packageSources(packageDir: string): string[] {
  return readdirSync(join(packageDir, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(packageDir, 'src', file))
    .sort();
}

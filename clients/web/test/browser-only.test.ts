// src/ runs in the browser only. Type checking cannot hold that line (the Colyseus SDK's types pull Node's in), and
// the Vite build fails only on Node modules (vite.config.ts), not on Node's globals: this checks both in the sources.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

const packageDir = join(import.meta.dirname, '..', '..');

function filesUnder(dir: string, extension: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(extension))
    .map((file) => join(dir, file));
}

it('the page sources import no Node module and use no Node-only global', () => {
  const sources = filesUnder(join(packageDir, 'src'), '.ts');
  assert.ok(sources.length > 5, 'the sources were found');
  for (const file of sources) {
    const code = readFileSync(file, 'utf8');
    assert.doesNotMatch(code, /from ['"]node:|require\(/, file);
    assert.doesNotMatch(code, /\b(Buffer|process|__dirname|__filename)\b/, file);
  }
});

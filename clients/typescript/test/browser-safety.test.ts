// The SDK runs in browsers: its compiled code must not reach for Node's modules or globals.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

const srcDir = join(import.meta.dirname, '..', 'src');

it('imports nothing from node: and uses no Node-only globals', () => {
  const files = readdirSync(srcDir).filter((file) => file.endsWith('.js'));
  assert.ok(files.length > 5, `compiled sources in ${srcDir}`);
  for (const file of files) {
    const code = readFileSync(join(srcDir, file), 'utf8');
    assert.doesNotMatch(code, /from ['"]node:|require\(/, file);
    assert.doesNotMatch(code, /\b(Buffer|process|__dirname)\b/, file);
  }
});

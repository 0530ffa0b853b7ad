#!/usr/bin/env node
// `npm run codegen`: regenerates packetflow/generated from ../protocol/schemas/*.fbs with Debian's flatc (Python with
// the object API), and writes layouts.json, the table layouts the verifier walks untrusted buffers with (the Python
// FlatBuffers runtime has no verifier). `node scripts/codegen.mjs --into <dir>` writes into another folder: the
// staleness test (tests/test_codegen.py) compares that with what is committed.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableLayouts } from '../../protocol/scripts/fbs-layout.mjs';

const packageRoot = join(import.meta.dirname, '..');
const schemaDir = join(packageRoot, '..', 'protocol', 'schemas');
const generatedDir = join(packageRoot, 'packetflow', 'generated');

function generate(outDir) {
  const schemas = readdirSync(schemaDir)
    .filter((f) => f.endsWith('.fbs'))
    .sort();
  try {
    execFileSync(
      'flatc',
      ['--python', '--gen-object-api', '-I', schemaDir, '-o', outDir, ...schemas.map((f) => join(schemaDir, f))],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    if (error.code === 'ENOENT') throw new Error('flatc not found: apt-get install -y flatbuffers-compiler');
    throw new Error(`flatc failed: ${error.stderr?.toString() ?? error.message}`);
  }
  const layouts = tableLayouts(schemas.map((file) => ({ file, source: readFileSync(join(schemaDir, file), 'utf8') })));
  writeFileSync(join(outDir, 'layouts.json'), `${JSON.stringify(layouts, null, 2)}\n`);
}

const into = process.argv.indexOf('--into');
if (into !== -1) {
  generate(process.argv[into + 1]);
} else {
  // Into a scratch folder first, so a flatc failure leaves the committed files as they were.
  const scratch = mkdtempSync(join(tmpdir(), 'packetflow-python-codegen-'));
  try {
    generate(scratch);
    rmSync(generatedDir, { recursive: true, force: true });
    mkdirSync(generatedDir, { recursive: true });
    cpSync(scratch, generatedDir, { recursive: true });
    console.log(`generated ${generatedDir}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Game, tableLayouts } from '../src/index.js';

const packageRoot = join(import.meta.dirname, '..', '..');

interface Codegen {
  generate(outDir: string): void;
  generateCSharp(outDir: string): void;
  listFiles(dir: string): string[];
  generatedDir: string;
  csharpGeneratedDir: string;
}

function flatcAvailable(): boolean {
  try {
    execFileSync('flatc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('generated code', () => {
  test('src/generated is what `npm run codegen` makes from schemas/*.fbs', async (t) => {
    if (!flatcAvailable()) {
      // CI installs flatc (.ci/run); a developer machine without it is told how to get it rather than failing.
      assert.ok(!process.env.CI, 'flatc is missing in CI: .ci/run must install flatbuffers-compiler');
      t.skip('flatc not installed: apt-get install -y flatbuffers-compiler');
      return;
    }
    const codegen = (await import(pathToFileURL(join(packageRoot, 'scripts', 'codegen.mjs')).href)) as Codegen;
    const scratch = mkdtempSync(join(tmpdir(), 'packetflow-codegen-test-'));
    try {
      codegen.generate(scratch);
      const fresh = codegen.listFiles(scratch);
      assert.deepEqual(codegen.listFiles(codegen.generatedDir), fresh, 'generated file list is stale: npm run codegen');
      for (const file of fresh) {
        assert.equal(
          readFileSync(join(codegen.generatedDir, file), 'utf8'),
          readFileSync(join(scratch, file), 'utf8'),
          `${file} is stale: run npm run codegen`,
        );
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('clients/unity/Runtime/Generated is the C# (and Unity .meta files) `npm run codegen` makes', async (t) => {
    if (!flatcAvailable()) {
      assert.ok(!process.env.CI, 'flatc is missing in CI: .ci/run must install flatbuffers-compiler');
      t.skip('flatc not installed: apt-get install -y flatbuffers-compiler');
      return;
    }
    const codegen = (await import(pathToFileURL(join(packageRoot, 'scripts', 'codegen.mjs')).href)) as Codegen;
    const scratch = mkdtempSync(join(tmpdir(), 'packetflow-codegen-csharp-test-'));
    try {
      codegen.generateCSharp(scratch);
      const fresh = codegen.listFiles(scratch);
      assert.ok(fresh.includes(join('PacketFlow', 'Game', 'Snapshot.cs')), `flatc wrote no Snapshot.cs: ${fresh}`);
      assert.ok(fresh.includes(join('PacketFlow', 'Game', 'Snapshot.cs.meta')), 'no .meta beside Snapshot.cs');
      assert.deepEqual(
        codegen.listFiles(codegen.csharpGeneratedDir),
        fresh,
        'generated C# file list is stale: npm run codegen',
      );
      for (const file of fresh) {
        assert.equal(
          readFileSync(join(codegen.csharpGeneratedDir, file), 'utf8'),
          readFileSync(join(scratch, file), 'utf8'),
          `clients/unity/Runtime/Generated/${file} is stale: run npm run codegen`,
        );
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('the committed verifier layouts are what the schemas give (needs no flatc, so it runs everywhere)', async () => {
    const { tableLayouts: fromSchemas } = (await import(
      pathToFileURL(join(packageRoot, 'scripts', 'fbs-layout.mjs')).href
    )) as { tableLayouts: (schemas: { file: string; source: string }[]) => unknown };
    const schemaDir = join(packageRoot, 'schemas');
    const schemas = readdirSync(schemaDir)
      .filter((file) => file.endsWith('.fbs'))
      .sort()
      .map((file) => ({ file, source: readFileSync(join(schemaDir, file), 'utf8') }));
    assert.deepEqual(
      JSON.parse(JSON.stringify(tableLayouts)),
      fromSchemas(schemas),
      'layouts are stale: npm run codegen',
    );
  });

  test('struct sizes in the layouts agree with flatc', () => {
    const inline = (table: keyof typeof tableLayouts, field: string) => {
      const layout = tableLayouts[table].fields.find((f) => f.name === field);
      assert.ok(layout && 'size' in layout ? true : layout && 'elementSize' in layout, `${table}.${field}`);
      return layout && ('size' in layout ? layout.size : 'elementSize' in layout ? layout.elementSize : -1);
    };
    assert.equal(inline('Snapshot', 'entities'), Game.EntityTransform.sizeOf());
    assert.equal(inline('Snapshot', 'acks'), Game.InputAck.sizeOf());
    assert.equal(inline('PhysicsStepRequest', 'inputs'), Game.BodyInput.sizeOf());
    assert.equal(inline('ClientInput', 'move'), Game.Vec2.sizeOf());
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultCandidates, loadNativeBuild, type NativeCandidate, nativeFileName } from '../src/loader.js';

const dir = mkdtempSync(join(tmpdir(), 'packetflow-uws-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const missing: NativeCandidate = {
  name: 'missing-build@1.0.0',
  locate: () => {
    throw new Error('not installed (optional dependency missing-build is missing)');
  },
};

describe('loadNativeBuild', () => {
  test('with no candidates, throws an error saying none were given', () => {
    assert.throws(
      () => loadNativeBuild([]),
      (error: Error) => {
        assert.match(error.message, /^No native uWebSockets\.js build loads on /);
        assert.match(error.message, /no candidates were given/);
        return true;
      },
    );
  });

  test('when none loads, names each candidate and why it failed', () => {
    const garbage = join(dir, nativeFileName());
    writeFileSync(garbage, 'not an ELF file');
    const broken: NativeCandidate = { name: 'broken-build@2.0.0', locate: () => garbage };
    const notNative: NativeCandidate = { name: 'js-fallback@3.0.0', locate: () => join(dir, 'index.js') };
    assert.throws(
      () => loadNativeBuild([missing, broken, notNative]),
      (error: Error) => {
        const lines = error.message.split('\n');
        assert.match(lines[0]!, new RegExp(`ABI ${process.versions.modules}`));
        assert.match(lines[1]!, /^ {2}- missing-build@1\.0\.0: not installed/);
        assert.match(lines[2]!, /^ {2}- broken-build@2\.0\.0: .*(invalid ELF header|file too short)/);
        assert.match(lines[3]!, /^ {2}- js-fallback@3\.0\.0: .*index\.js is not a native addon \(\.node\) file/);
        return true;
      },
    );
  });

  test('when none loads, the error says how to allow the pure-JS fallback', () => {
    assert.throws(() => loadNativeBuild([missing]), /PACKETFLOW_UWS_ALLOW_JS_FALLBACK=1 runs on a pure-JS fallback/);
  });

  test('only an allowed fallback stands in when no native build loads, and it says it is not native', () => {
    // A stand-in module: the real pure-JS server is never loaded by the tests.
    const standIn = { App: () => ({}) };
    const fallback = { name: 'some-fallback@1.0.0', file: '/x/uws.js', load: () => standIn };
    const loaded = loadNativeBuild([missing], fallback);
    assert.equal(loaded.build.fallback, true);
    assert.equal(loaded.module, standIn);
    assert.deepEqual(
      loaded.build.skipped.map((s) => s.name),
      ['missing-build@1.0.0'],
    );
    const native = loadNativeBuild(defaultCandidates(), fallback);
    assert.equal(native.build.fallback, false, 'a native build that loads always wins');
  });

  test('skips candidates that do not load and reports them with the one that does', () => {
    const [, ...rest] = defaultCandidates();
    const loaded = loadNativeBuild([missing, ...defaultCandidates()]);
    assert.ok(rest.length > 0);
    assert.equal(loaded.build.skipped[0]?.name, 'missing-build@1.0.0');
    assert.match(loaded.build.skipped[0]?.reason ?? '', /not installed/);
    assert.equal(typeof loaded.module.App, 'function');
    assert.ok(loaded.build.file.endsWith('.node'));
  });

  test('the default candidates are the two npm builds, newest first', () => {
    assert.deepEqual(
      defaultCandidates().map((c) => c.name),
      ['@btc-vision/uwebsockets.js@20.57.0', '@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0'],
    );
  });
});

#!/usr/bin/env node
// The Unity package's `npm test` (run in clients/unity): compiles the plain C# core (Runtime/Core, no Unity types)
// and its tests (Tests/Core) with Mono's mcs, runs them with NUnit 2.6's console runner, and writes NUnit's result
// as the JUnit file with Node's counter comments that scripts/test.mjs adds up. It also checks that every asset of
// the package has its Unity .meta file, which Unity needs to import a package from a git URL.
// It also writes the Colyseus frames of the gateway's server (@colyseus/core) and of the TypeScript SDK
// (@colyseus/sdk) for the tests of the Unity SDK's wire compatibility (Tests/Core/ColyseusWireTests.cs).
// `--write-meta` writes the missing .meta files instead of failing on them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { isImported, listAssets, metaFor } from '../shared/protocol/scripts/unity-meta.mjs';

const packageRoot = process.cwd();
const repoRoot = join(import.meta.dirname, '..');
const protocolDir = join(repoRoot, 'shared', 'protocol');
const resultsDir = join(packageRoot, 'test-results');
const NUNIT_FRAMEWORK = '/usr/lib/cli/nunit.framework-2.6.3/nunit.framework.dll';
// C# 7.2 is what Mono's mcs reads; Unity 2021.3 reads C# 9, so code that compiles here compiles there.
const LANG_VERSION = '7.2';

function sourcesUnder(dir) {
  return readdirSync(join(packageRoot, dir), { recursive: true })
    .filter((file) => file.endsWith('.cs'))
    .map((file) => join(dir, file))
    .sort();
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: packageRoot, encoding: 'utf8', ...options });
  if (result.error) throw result.error;
  return result;
}

function escapeXml(text) {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);
}

function attribute(tag, name) {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function unescapeXml(text) {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, e) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]);
}

/** The test cases of an NUnit 2.6 TestResult.xml, each with its outcome and failure text. */
function readNUnitResults(xml) {
  const cases = [];
  const pattern = /<test-case\s[^>]*?(?:\/>|>([\s\S]*?)<\/test-case>)/g;
  for (const match of xml.matchAll(pattern)) {
    const tag = match[0].slice(0, match[0].indexOf('>') + 1);
    const name = unescapeXml(attribute(tag, 'name') ?? '?');
    const executed = attribute(tag, 'executed') === 'True';
    const result = attribute(tag, 'result') ?? '';
    const message = /<message><!\[CDATA\[([\s\S]*?)\]\]><\/message>/.exec(match[1] ?? '')?.[1] ?? '';
    const stack = /<stack-trace><!\[CDATA\[([\s\S]*?)\]\]><\/stack-trace>/.exec(match[1] ?? '')?.[1] ?? '';
    const outcome =
      !executed || ['Ignored', 'Skipped', 'NotRunnable', 'Inconclusive'].includes(result)
        ? 'skipped'
        : attribute(tag, 'success') === 'True'
          ? 'pass'
          : 'fail';
    cases.push({ name, outcome, seconds: Number(attribute(tag, 'time') ?? 0), message, stack });
  }
  return cases;
}

/** JUnit XML with the `<!-- pass N -->` comments of Node's reporter, which scripts/test.mjs reads. */
function junitXml(cases, extraFailures) {
  const all = [...cases, ...extraFailures];
  const count = (outcome) => all.filter((c) => c.outcome === outcome).length;
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', '<testsuites>'];
  lines.push(
    `\t<testsuite name="clients/unity (C#)" tests="${all.length}" failures="${count('fail')}" skipped="${count('skipped')}">`,
  );
  for (const c of all) {
    const open = `\t\t<testcase name="${escapeXml(c.name)}" time="${c.seconds}" classname="csharp"`;
    if (c.outcome === 'pass') lines.push(`${open}/>`);
    else if (c.outcome === 'skipped')
      lines.push(`${open}>`, `\t\t\t<skipped message="${escapeXml(c.message)}"/>`, '\t\t</testcase>');
    else {
      lines.push(
        `${open}>`,
        `\t\t\t<failure message="${escapeXml(c.message)}">${escapeXml(c.stack)}</failure>`,
        '\t\t</testcase>',
      );
    }
  }
  lines.push('\t</testsuite>');
  for (const name of ['tests', 'pass', 'fail', 'cancelled', 'skipped', 'todo']) {
    const value = name === 'tests' ? all.length : name === 'cancelled' || name === 'todo' ? 0 : count(name);
    lines.push(`\t<!-- ${name} ${value} -->`);
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function finish(cases, extraFailures = []) {
  writeFileSync(join(resultsDir, 'junit.xml'), junitXml(cases, extraFailures));
  const all = [...cases, ...extraFailures];
  for (const c of all.filter((c) => c.outcome === 'fail')) console.error(`✖ ${c.name}\n${c.message}\n${c.stack}`);
  const count = (outcome) => all.filter((c) => c.outcome === outcome).length;
  console.log(`csharp: ${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`);
  process.exit(count('fail') > 0 ? 1 : 0);
}

/** Assets without a .meta and .meta files without an asset, as failures (or written, with --write-meta). */
function checkMetas() {
  const assets = listAssets(packageRoot);
  const expected = new Set(assets.map((a) => `${a.path}.meta`));
  const problems = [];
  for (const asset of assets) {
    const metaPath = join(packageRoot, `${asset.path}.meta`);
    if (existsSync(metaPath)) continue;
    if (process.argv.includes('--write-meta')) writeFileSync(metaPath, metaFor(asset.path, asset.isFolder));
    else problems.push(`${asset.path} has no .meta`);
  }
  const metas = readdirSync(packageRoot, { recursive: true }).filter(
    (file) => file.endsWith('.meta') && file.split(sep).every(isImported),
  );
  for (const meta of metas) if (!expected.has(meta)) problems.push(`${meta} belongs to no asset`);
  const guids = new Map();
  for (const meta of metas.filter((m) => expected.has(m))) {
    const guid = /^guid: (\w+)$/m.exec(readFileSync(join(packageRoot, meta), 'utf8'))?.[1];
    if (guid === undefined) problems.push(`${meta} has no guid`);
    else if (guids.has(guid)) problems.push(`${meta} has the guid of ${guids.get(guid)}`);
    else guids.set(guid, meta);
  }
  return {
    name: 'every asset of the Unity package has its .meta file (Unity ignores assets without one in a git package)',
    outcome: problems.length === 0 ? 'pass' : 'fail',
    seconds: 0,
    message:
      problems.length === 0 ? '' : `${problems.join('\n')}\nrun: node ../../scripts/run-csharp-tests.mjs --write-meta`,
    stack: '',
  };
}

function mcs(out, sources, references, options = []) {
  return run('mcs', [
    `-langversion:${LANG_VERSION}`,
    '-target:library',
    '-nologo',
    `-out:${out}`,
    ...options,
    ...references.map((r) => `-r:${r}`),
    ...sources,
  ]);
}

/** A test case for a compilation: passed when mcs accepted the sources without a warning. */
function compiled(name, out, sources, references, options = []) {
  const result = mcs(out, sources, references, ['-warnaserror+', ...options]);
  const outcome = result.status === 0 ? 'pass' : 'fail';
  return {
    name,
    outcome,
    seconds: 0,
    message: outcome === 'pass' ? '' : `${result.stdout}${result.stderr}`,
    stack: '',
  };
}

/**
 * The Unity-facing code (Runtime/ beside Core, the generated tables, the sample) cannot be compiled here against
 * Unity, the Colyseus SDK or the FlatBuffers runtime. It is compiled against stand-ins of the members it calls
 * (Tests/ApiStandIns~), written from those libraries' signatures: that catches what the compiler can (types, names,
 * C# features, the generated code's use of the runtime), not whether the libraries behave as assumed.
 */
function typeCheckUnityCode(buildDir, core) {
  const standIns = {};
  for (const name of ['UnityEngine', 'Colyseus', 'FlatBuffers']) {
    standIns[name] = join(buildDir, `${name}.dll`);
    // Their events are never raised and their async methods never await: they only have to exist, and the stand-ins
    // keep the libraries' `async` so that they read as the libraries declare them.
    const result = mcs(standIns[name], [join('Tests', 'ApiStandIns~', `${name}.cs`)], [], ['-nowarn:67,1998']);
    if (result.status !== 0) {
      const message = `${result.stdout}${result.stderr}`;
      return [{ name: `Tests/ApiStandIns~/${name}.cs compiles`, outcome: 'fail', seconds: 0, message, stack: '' }];
    }
  }
  const runtimeSources = sourcesUnder('Runtime').filter((file) => !file.startsWith(join('Runtime', 'Core')));
  const runtime = join(buildDir, 'PacketFlow.Client.dll');
  const references = [core, standIns.UnityEngine, standIns.Colyseus, standIns.FlatBuffers];
  const against = 'against stand-ins of UnityEngine, the Colyseus SDK and FlatBuffers 2.0.8 (compile only)';
  return [
    compiled(`Runtime/ and Runtime/Generated type-check ${against}`, runtime, runtimeSources, references, [
      '-define:ENABLE_LEGACY_INPUT_MANAGER',
    ]),
    compiled(
      `Runtime/ type-checks for WebGL players without the legacy Input Manager ${against}`,
      join(buildDir, 'webgl', 'PacketFlow.Client.dll'),
      runtimeSources,
      references,
      ['-define:UNITY_WEBGL'],
    ),
    compiled(
      `Samples~/MovingCubes type-checks ${against}`,
      join(buildDir, 'MovingCubes.dll'),
      sourcesUnder(join('Samples~', 'MovingCubes')),
      [runtime, ...references],
    ),
  ];
}

/**
 * Frames as the Colyseus 0.18 the gateway runs writes them, for the Unity SDK 0.17.2 to read, and as the 0.18
 * TypeScript SDK sends them, which that server reads: one `name value` a line, values in hex unless text. Each
 * package is loaded from the workspace that depends on it, so the frames follow the versions the repository runs.
 */
function writeColyseusFrames(file) {
  const core = createRequire(join(repoRoot, 'gateway', 'package.json'));
  const sdk = createRequire(join(repoRoot, 'clients', 'typescript', 'package.json'));
  const { getMessageBytes } = core('@colyseus/core/Protocol');
  const { Protocol } = core('@colyseus/shared-types');
  const { Room } = sdk('@colyseus/sdk');
  const hex = (bytes) => Buffer.from(bytes).toString('hex');
  const body = (length) => Uint8Array.from({ length }, (_, i) => (i * 37 + 11) % 256);
  // A token as the server makes them (nine characters of generateId) and the match room's serializer: it has no
  // state, so the server's NoneSerializer.
  const token = 'q5Zr_k-2a';
  const joinRoom = getMessageBytes[Protocol.JOIN_ROOM](token, 'none');
  const joined = body(40);
  const snap = body(700);
  const input = body(30);
  const sent = [];
  const room = new Room('match');
  room.connection = { isOpen: true, send: (bytes) => sent.push(hex(bytes)) };
  const lines = [
    `version.core ${core('@colyseus/core/package.json').version}`,
    `version.sdk ${sdk('@colyseus/sdk/package.json').version}`,
    `server.join.token ${token}`,
    `server.join ${hex(joinRoom)}`,
    `server.error ${hex(getMessageBytes[Protocol.ERROR](4217, 'input refused'))}`,
    `server.error.expired ${hex(getMessageBytes[Protocol.ERROR](524, 'seat reservation expired.'))}`,
    `server.joined ${hex(getMessageBytes.raw(Protocol.ROOM_DATA_BYTES, 'joined', undefined, joined))}`,
    `body.joined ${hex(joined)}`,
    `server.snap ${hex(getMessageBytes.raw(Protocol.ROOM_DATA_BYTES, 'snap', undefined, snap))}`,
    `body.snap ${hex(snap)}`,
    `server.ping ${hex(getMessageBytes[Protocol.PING]())}`,
    `body.in ${hex(input)}`,
  ];
  room.sendBytes('in', input);
  lines.push(`client.in ${sent.pop()}`);
  room.ping(() => {});
  lines.push(`client.ping ${sent.pop()}`);
  room.onMessageCallback({
    data: joinRoom.buffer.slice(joinRoom.byteOffset, joinRoom.byteOffset + joinRoom.byteLength),
  });
  lines.push(`client.join ${sent.pop()}`);
  void room.leave(true);
  lines.push(`client.leave ${sent.pop()}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Compiles and runs the tests; returns the test cases, or a failure that kept them from running. */
function compileAndRun(buildDir) {
  const core = join(buildDir, 'PacketFlow.Client.Core.dll');
  const tests = join(buildDir, 'PacketFlow.Client.Core.Tests.dll');
  const coreBuild = compiled('Runtime/Core compiles with mcs', core, sourcesUnder(join('Runtime', 'Core')), []);
  if (coreBuild.outcome === 'fail') return { cases: [], failures: [coreBuild] };
  const testBuild = compiled('Tests/Core compiles with mcs', tests, sourcesUnder(join('Tests', 'Core')), [
    core,
    NUNIT_FRAMEWORK,
    'System.Core.dll',
  ]);
  if (testBuild.outcome === 'fail') return { cases: [], failures: [testBuild] };
  mkdirSync(join(buildDir, 'webgl'));
  const typeChecks = typeCheckUnityCode(buildDir, core);
  const framesFile = join(buildDir, 'colyseus-frames.txt');
  try {
    writeColyseusFrames(framesFile);
  } catch (error) {
    const message = `${error.stack}\n(npm install in the repository installs @colyseus/core and @colyseus/sdk)`;
    return {
      cases: typeChecks,
      failures: [{ name: 'Colyseus frames for the wire tests', outcome: 'fail', seconds: 0, message, stack: '' }],
    };
  }
  const resultFile = join(resultsDir, 'TestResult.xml');
  const nunit = run('nunit-console', ['-nologo', '-noshadow', `-xml=${resultFile}`, tests], {
    env: { ...process.env, PACKETFLOW_PROTOCOL_DIR: protocolDir, PACKETFLOW_COLYSEUS_FRAMES: framesFile },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const failure = (message) => ({ name: 'nunit-console', outcome: 'fail', seconds: 0, message, stack: '' });
  if (!existsSync(resultFile))
    return { cases: typeChecks, failures: [failure(`no TestResult.xml (exit ${nunit.status})`)] };
  const cases = readNUnitResults(readFileSync(resultFile, 'utf8'));
  return { cases: [...typeChecks, ...cases], failures: cases.length === 0 ? [failure('ran no test')] : [] };
}

/** What of Mono and NUnit 2.6 is not installed, each with the package that brings it. */
function missingToolchain() {
  return [
    spawnSync('mcs', ['--version']).error ? 'mcs (apt-get install -y mono-mcs)' : undefined,
    spawnSync('nunit-console', ['-help']).error ? 'nunit-console (apt-get install -y nunit-console)' : undefined,
    existsSync(NUNIT_FRAMEWORK) ? undefined : `${NUNIT_FRAMEWORK} (apt-get install -y libnunit-framework2.6.3-cil)`,
  ].filter((m) => m !== undefined);
}

rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });
const metaCheck = checkMetas();
const missing = missingToolchain();
if (missing.length > 0) {
  const why = `C# toolchain missing: ${missing.join(', ')}`;
  // CI must run these tests; a developer machine without Mono is told what to install rather than failing.
  if (process.env.CI)
    finish([metaCheck], [{ name: 'C# toolchain', outcome: 'fail', seconds: 0, message: why, stack: '' }]);
  finish([metaCheck, { name: 'C# core tests', outcome: 'skipped', seconds: 0, message: why, stack: '' }]);
}

// The DLLs go outside the package: Unity would import DLLs left inside it as plugins beside the same sources.
const buildDir = mkdtempSync(join(tmpdir(), 'packetflow-csharp-'));
let outcome;
try {
  outcome = compileAndRun(buildDir);
} finally {
  rmSync(buildDir, { recursive: true, force: true });
}
finish([metaCheck, ...outcome.cases], outcome.failures);

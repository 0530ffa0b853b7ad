import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { atLeast, atMost, type Figure, formatValue, writeMarkdown } from '../src/report.js';
import { suiteNames } from '../src/suites/index.js';

test('BENCHMARKS.md puts every figure beside its target and shows a missed target', () => {
  const figures: Figure[] = [
    {
      group: 'actors',
      name: 'ping-pong',
      value: 2_500_000,
      unit: 'round trips/s',
      target: '≥ 2 M/s',
      met: atLeast(2_500_000, 2e6),
    },
    {
      group: 'actors',
      name: 'memory',
      value: 320,
      unit: 'bytes',
      target: '≤ 300 B',
      met: atMost(320, 300),
      note: 'tried X',
    },
    { group: 'protocol', name: 'encode', value: 812.4, unit: 'ns/packet', target: '' },
  ];
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  try {
    const path = join(dir, 'BENCHMARKS.md');
    writeMarkdown(path, figures);
    const rows = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('| actors') || line.startsWith('| protocol'));
    assert.deepEqual(rows, [
      '| actors | ping-pong | 2,500,000 round trips/s | ≥ 2 M/s | met |  |',
      '| actors | memory | 320 bytes | ≤ 300 B | MISSED | tried X |',
      '| protocol | encode | 812 ns/packet | — | reported |  |',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a run of some suites replaces their groups' rows where they stood and keeps the others", () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  try {
    const path = join(dir, 'BENCHMARKS.md');
    writeMarkdown(path, [
      { group: 'actors', name: 'a', value: 1, unit: 'x', target: '' },
      { group: 'hosts', name: 'old', value: 2, unit: 's', target: '' },
      { group: 'protocol', name: 'p', value: 3, unit: 'x', target: '' },
    ]);
    writeMarkdown(path, [{ group: 'hosts', name: 'new', value: 4, unit: 's', target: '≤ 5 s', met: true }], {
      partial: true,
    });
    const text = readFileSync(path, 'utf8');
    assert.deepEqual(
      text.split('\n').filter((line) => /^\| (actors|hosts|protocol) /.test(line)),
      [
        '| actors | a | 1 x | — | reported |  |',
        '| hosts | new | 4 s | ≤ 5 s | met |  |',
        '| protocol | p | 3 x | — | reported |  |',
      ],
    );
    assert.match(text, /^Run: \S+; hosts measured again \S+\.$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('values keep a sensible number of digits', () => {
  assert.equal(formatValue(0.8812, 'µs'), '0.88 µs');
  assert.equal(formatValue(42.46, 'ns'), '42.5 ns');
  assert.equal(formatValue(11_939_471.3, 'msg/s'), '11,939,471 msg/s');
});

test('every suite is registered under a name main.ts can run', () => {
  assert.deepEqual(suiteNames, [
    'actors',
    'cluster',
    'cpu',
    'game-logic',
    'gateway',
    'hosts',
    'physics',
    'player-store',
    'protocol',
    'python',
  ]);
});

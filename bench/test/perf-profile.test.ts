// `--perf`: Linux perf samples a real process running the busy fixture, and the report puts its time where it went.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  categoryOf,
  perfCategories,
  perfMissing,
  perfNodeFlags,
  recordPerf,
  removePerfMaps,
} from '../src/profile/perf-profile.js';

const busyChild = join(import.meta.dirname, 'fixtures', 'busy-child.js');

describe('perf profiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-perf-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('perf is installed (npm test installs linux-perf)', () => {
    assert.equal(perfMissing(), undefined);
  });

  test("a busy Node process's samples land in its own package's JavaScript; its maps and V8 log are cleaned up", async () => {
    const work = mkdtempSync(join(dir, 'cwd-'));
    const child = spawn(process.execPath, [...perfNodeFlags(dir), busyChild, '2500'], { cwd: work, stdio: 'inherit' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // Past start-up and the first compilations, so the samples are of the busy loop.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const file = join(dir, 'perf.data');
    await recordPerf([child.pid!], 1, file);
    assert.equal(await exited, 0);
    const categories = perfCategories(file);
    const alone = perfCategories(file, child.pid!);
    removePerfMaps([child.pid!]);
    assert.equal(categories[0]?.category, 'JavaScript: bench', JSON.stringify(categories));
    assert.ok(categories[0]!.share > 0.5, `${categories[0]!.share} of the samples`);
    const total = categories.reduce((sum, c) => sum + c.share, 0);
    assert.ok(Math.abs(total - 1) < 0.02, `the shares add up to ${total}`);
    assert.deepEqual(alone, categories, 'the one process alone is the whole of it');
    assert.ok(!existsSync(`/tmp/perf-${child.pid}.map`), 'its symbol map is removed');
    assert.deepEqual(readdirSync(work), [], "no V8 log in the process's working directory");
  });

  test('categories from the shared object and symbol perf reports', () => {
    const cases: [string, string, string][] = [
      ['[JIT] tid 42', 'JS:wasm-function[34]-34-turbofan', 'Rapier (Wasm)'],
      ['[kernel.kallsyms]', 'tcp_sendmsg_locked', 'kernel (TCP, syscalls, scheduling)'],
      ['uws_linux_x64_115.node', '0x00000000000f0e7b', 'uWebSockets.js native'],
      ['node', 'v8::internal::Scavenger::ScavengePage', 'garbage collection'],
      ['node', 'Builtins_RecordWriteSaveFP', 'garbage collection'],
      [
        '[JIT] tid 42',
        'JS:*onTick file:///r/services/game-logic/dist/src/match/match-behavior.js:459:26',
        'JavaScript: services/game-logic',
      ],
      ['[JIT] tid 42', 'JS:^send file:///r/gateway/dist/src/rooms/room-fanout.js:32:9', 'JavaScript: gateway'],
      [
        '[JIT] tid 42',
        'JS:*hasReachedMaxClients file:///r/node_modules/@colyseus/core/build/Room.mjs:434:23',
        'JavaScript: Colyseus',
      ],
      ['[JIT] tid 42', 'JS:* /r/node_modules/prom-client/lib/histogram.js:232:9', 'JavaScript: libraries'],
      ['[JIT] tid 42', 'JS:*runMicrotask node:internal/process/task_queues:136:22', 'JavaScript: Node.js'],
      ['node', 'Builtins_LoadIC', 'V8 builtins'],
      ['libc.so.6', '__memmove_avx512_unaligned_erms', 'other native (Node.js, V8, libuv, libc)'],
    ];
    for (const [dso, symbol, category] of cases) assert.equal(categoryOf(dso, symbol), category, symbol);
  });
});

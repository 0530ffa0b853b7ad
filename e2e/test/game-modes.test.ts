// Both game modes end to end, as `npm start` runs the backend (the Python leaderboard too, where /usr/bin/python3
// can run it): bots on the SDK choose a mode at join, matchmaking keeps the modes apart, a touch bot scores by
// touching a prop and a king bot by standing alone in the zone, and each score reaches its mode's leaderboard.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KING_ZONE } from '@packetflow/client';
import { type Backend, startBackend } from '@packetflow/launcher';
import { Bot, until } from './support/bots.js';

describe('game modes end to end: touch and king, each with its own matches and leaderboard', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'e2e-modes-'));
  let backend: Backend;
  const bots: Bot[] = [];

  before(async () => {
    backend = await startBackend({ gatewayPort: 0, dataDir, leaderboard: true });
  });

  after(async () => {
    await Promise.allSettled(bots.map((bot) => bot.match.leave()));
    await backend.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Steers the bot towards a point on the floor until `done` says so, one input per snapshot. */
  async function walk(bot: Bot, to: () => { x: number; z: number }, done: () => boolean, what: string) {
    let last = bot.position()!;
    for (let step = 0; step < 900 && !done(); step++) {
      const snapshot = await bot.nextSnapshot();
      last = bot.position(snapshot) ?? last;
      const target = to();
      const dx = target.x - last.x;
      const dz = target.z - last.z;
      const length = Math.hypot(dx, dz);
      bot.match.sendInput({ move: length < 0.3 ? { x: 0, y: 0 } : { x: dx / length, y: dz / length } });
    }
    assert.ok(done(), what);
  }

  const score = (bot: Bot) => bot.snapshots.at(-1)?.scores.find((s) => s.entity === bot.match.entity)?.score ?? 0;

  it('a king bot alone in the zone scores a point a second; a touch bot scores by touching a prop', async () => {
    const king = await Bot.join(backend.url, { mode: 'king', name: 'Kingsley' });
    const toucher = await Bot.join(backend.url, { mode: 'touch', name: 'Tess' });
    bots.push(king, toucher);
    assert.equal(king.match.mode, 'king');
    assert.equal(toucher.match.mode, 'touch');
    assert.notEqual(king.match.matchId, toucher.match.matchId, 'matchmaking keeps the modes apart');
    await until(() => king.position() !== undefined && toucher.position() !== undefined, 'both bodies in snapshots');
    await walk(
      king,
      () => KING_ZONE,
      () => score(king) >= 2,
      'the king bot scored twice in the zone',
    );
    const props = () =>
      toucher.snapshots
        .flatMap((s) => s.entities)
        .filter((e) => e.entity < 1000)
        .map((e) => e.position);
    const target = props()[0]!;
    await walk(
      toucher,
      () => target,
      () => score(toucher) >= 1,
      'the touch bot touched a prop',
    );
  });

  it("each leaving bot's score reaches its own mode's leaderboard", async () => {
    // npm test installs python3-flatbuffers (scripts/system-packages.mjs): without it this fails, saying why.
    assert.equal(backend.leaderboardOff, undefined, 'the Python leaderboard runs');
    const [king, toucher] = bots as [Bot, Bot];
    const scores = { king: score(king), touch: score(toucher) };
    await king.match.leave();
    await toucher.match.leave();
    const board = async (mode: string) =>
      (await (await fetch(`${backend.url}/leaderboard?mode=${mode}`)).json()) as {
        mode: string;
        entries: { playerId: string; name: string | null; score: number }[];
      };
    // The match tells the leaderboard as it lets each player go: a moment after the leave is answered.
    let boards = { king: await board('king'), touch: await board('touch') };
    for (let i = 0; i < 100 && (boards.king.entries.length === 0 || boards.touch.entries.length === 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      boards = { king: await board('king'), touch: await board('touch') };
    }
    assert.deepEqual(boards.king.entries, [{ playerId: king.match.playerId, name: 'Kingsley', score: scores.king }]);
    assert.deepEqual(boards.touch.entries, [{ playerId: toucher.match.playerId, name: 'Tess', score: scores.touch }]);
  });
});

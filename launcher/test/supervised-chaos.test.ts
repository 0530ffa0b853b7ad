// Issue 12 point 6: a SIGKILL of each service under `npm start` (launcher/dist/src/main.js as a real process) while
// two players on the client SDK play one match. The launcher restarts each, the players keep getting snapshots of
// the same match afterwards, and no write the player store acknowledged is lost.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type JoinInfo, type MatchConnection, type MatchSnapshot, PacketFlowClient } from '@packetflow/client';
import { LmdbPlayerStorage } from '@packetflow/player-store';
import { assertNoneAlive, HANG_MS, isAlive, launchOnFreePorts, longestGap } from './main-process.js';

/** Props are entities 1–999, players 1000 on (physics' entities.ts). */
const FIRST_PLAYER_ENTITY = 1000;
/** Inputs go out at 20 a second, under the gateway's 60 and often enough that a body never stands still. */
const INPUT_EVERY_MS = 50;
/** A prop this close on the ground plane is reached (the match scores a touch at 1.2 m centre to centre). */
const REACHED_M = 0.9;
/** A prop not reached in this time (stacked, stuck against a wall) is given up for another. */
const GIVE_UP_MS = 3000;
/** Snapshots each player must get after a restarted service is up again: two seconds of the match at 30 Hz. */
const SNAPSHOTS_AFTER = 60;
/** ClientCloseCode of a consented leave (Colyseus' CloseCode.CONSENTED). */
const CONSENTED = 4000;

interface Arrival {
  readonly at: number;
  readonly tick: number;
  /** This player's score in that snapshot. */
  readonly score: number;
}

/**
 * A bot on the SDK: it walks to the nearest prop, touching it scores a point, then to the next, sending input at a
 * steady rate whether or not it is connected (the SDK records inputs while it reconnects or rejoins), and notes every
 * snapshot, drop and re-seat.
 */
class Bot {
  readonly arrivals: Arrival[] = [];
  readonly reseats: { readonly at: number; readonly info: JoinInfo }[] = [];
  readonly drops: number[] = [];
  /** Snapshots in which this player's score was lower than in the one before. */
  readonly scoreFalls: { readonly at: number; readonly from: number; readonly to: number }[] = [];
  /** Snapshots whose server tick was lower than the one before's (a match resumed from its checkpoint). */
  readonly tickFalls: { readonly at: number; readonly from: number; readonly to: number }[] = [];
  leftWith: number | undefined;
  private latest: MatchSnapshot | undefined;
  private target: { readonly entity: number; readonly since: number } | undefined;
  private readonly steering: NodeJS.Timeout;

  private constructor(readonly match: MatchConnection) {
    match.onSnapshot((snapshot) => {
      const at = performance.now();
      const previous = this.score;
      const score = snapshot.scores.find((s) => s.entity === match.entity)?.score ?? previous;
      if (score < previous) this.scoreFalls.push({ at, from: previous, to: score });
      const tick = this.arrivals.at(-1)?.tick ?? 0;
      if (snapshot.serverTick < tick) this.tickFalls.push({ at, from: tick, to: snapshot.serverTick });
      this.arrivals.push({ at, tick: snapshot.serverTick, score });
      this.latest = snapshot;
    });
    match.onDrop(() => this.drops.push(performance.now()));
    match.onReseat((info) => this.reseats.push({ at: performance.now(), info }));
    match.onLeave((code) => {
      this.leftWith = code;
    });
    this.steering = setInterval(() => this.steer(), INPUT_EVERY_MS);
  }

  /** A guest who creates a match, or joins `matchId`. */
  static async enter(url: string, name: string, matchId?: string): Promise<Bot> {
    const client = new PacketFlowClient(url);
    await client.guest();
    const options = {
      name,
      interpolate: false,
      reconnection: { minUptimeMs: 0, minDelayMs: 50, initialDelayMs: 50 },
    };
    return new Bot(await (matchId === undefined ? client.create(options) : client.join(matchId, options)));
  }

  /** This player's score in the latest snapshot. */
  get score(): number {
    return this.arrivals.at(-1)?.score ?? 0;
  }

  private steer(): void {
    if (this.leftWith !== undefined) return;
    const entities = this.latest?.entities ?? [];
    const me = entities.find((e) => e.entity === this.match.entity)?.position;
    const props = entities.filter((e) => e.entity < FIRST_PLAYER_ENTITY);
    let target = props.find((p) => p.entity === this.target?.entity)?.position;
    const now = performance.now();
    if (
      me !== undefined &&
      (target === undefined || flat(me, target) < REACHED_M || now - this.target!.since > GIVE_UP_MS)
    ) {
      const previous = this.target?.entity;
      let nearest: (typeof props)[number] | undefined;
      for (const prop of props) {
        if (prop.entity === previous || flat(me, prop.position) < 2 * REACHED_M) continue;
        if (nearest === undefined || flat(me, prop.position) < flat(me, nearest.position)) nearest = prop;
      }
      this.target = nearest && { entity: nearest.entity, since: now };
      target = nearest?.position;
    }
    if (me === undefined || target === undefined) {
      this.match.sendInput({ move: { x: 0, y: 0 } });
      return;
    }
    const dx = target.x - me.x;
    const dz = target.z - me.z;
    const length = Math.hypot(dx, dz) || 1;
    this.match.sendInput({ move: { x: dx / length, y: dz / length } });
  }

  /** Waits for `count` snapshots that arrived after `since` (performance.now()) with a server tick over `tick`. */
  async receivesAfter(since: number, count: number, tick: number): Promise<void> {
    await until(`${count} snapshots past tick ${tick} for ${this.match.playerId}`, () => {
      if (this.leftWith !== undefined) throw new Error(`${this.match.playerId} left its match with ${this.leftWith}`);
      return this.arrivals.filter((a) => a.at > since && a.tick > tick).length >= count;
    });
  }

  /** The longest wait between two snapshots from `from` (an index into arrivals) on, in ms. */
  longestGapFrom(from: number): number {
    return longestGap(this.arrivals, from);
  }

  /** Stops playing and leaves with consent; the close code. */
  async leave(): Promise<number> {
    clearInterval(this.steering);
    if (this.leftWith !== undefined) return this.leftWith;
    return this.match.leave();
  }
}

function flat(a: { x: number; z: number }, b: { x: number; z: number }): number {
  return Math.hypot(a.x - b.x, a.z - b.z);
}

/** Polls `done` every 20 ms; fails after HANG_MS, only against a hang. */
async function until(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + HANG_MS;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${HANG_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** packetflow_player_writes_total of a player-store node: the writes its store acknowledged since it started. */
async function acknowledgedWrites(metricsUrl: string): Promise<number> {
  const metrics = await (await fetch(metricsUrl)).text();
  const line = metrics.split('\n').find((l) => l.startsWith('packetflow_player_writes_total'));
  assert.ok(line !== undefined, `no packetflow_player_writes_total at ${metricsUrl}`);
  return Number(line.split(' ').at(-1));
}

describe('npm start under SIGKILLs (issue 12 point 6)', { timeout: 4 * HANG_MS }, () => {
  it('restarts each service killed with SIGKILL while two players play; they keep their match and snapshots, and their stats are stored', async (t) => {
    const { launcher, gatewayPort } = await launchOnFreePorts();
    let pids = new Map<string, number>();
    const restarted: number[] = [];
    const bots: Bot[] = [];
    try {
      pids = await launcher.servicePids();
      const [, running] = await launcher.line(/^PacketFlow is running: (.*)$/);
      const storeMetrics = running!.match(/player-store \(pid \d+\) (http:\/\/\S+\/metrics)/)?.[1];
      assert.ok(storeMetrics !== undefined, running);

      const url = `http://127.0.0.1:${gatewayPort}`;
      bots.push(await Bot.enter(url, 'chaos-bot-1'));
      const { matchId } = bots[0]!.match;
      bots.push(await Bot.enter(url, 'chaos-bot-2', matchId));
      const entities = bots.map((bot) => bot.match.entity);
      assert.notEqual(entities[0], entities[1]);
      await Promise.all(bots.map((bot) => bot.receivesAfter(0, SNAPSHOTS_AFTER, 0)));

      for (const service of ['gateway', 'game-logic', 'physics', 'player-store']) {
        const victim = pids.get(service)!;
        const from = bots.map((bot) => bot.arrivals.length);
        const tick = Math.max(...bots.map((bot) => bot.arrivals.at(-1)!.tick));
        const scores = bots.map((bot) => bot.score);
        const killedAt = performance.now();
        process.kill(victim, 'SIGKILL');
        await launcher.line(
          new RegExp(
            `^${service} \\(pid ${victim}\\) died \\(killed by SIGKILL\\); restarting it in \\d+ ms \\(restart \\d of 5 allowed in 60\\.0 s\\)$`,
          ),
        );
        const pid = Number((await launcher.line(new RegExp(`^${service} restarted: pid (\\d+)$`)))[1]);
        restarted.push(pid);
        const [, downS] = await launcher.line(
          new RegExp(`^${service} \\(pid ${pid}\\) is up again, ([\\d.]+) s after it died$`),
        );
        const upAt = performance.now();
        assert.ok(isAlive(pid), `the new ${service} runs`);
        for (const [name, other] of pids) if (name !== service) assert.ok(isAlive(other), `${name} was left alone`);

        await Promise.all(bots.map((bot) => bot.receivesAfter(upAt, SNAPSHOTS_AFTER, tick)));
        for (const [i, bot] of bots.entries()) {
          assert.equal(bot.match.matchId, matchId, `${service}: player ${i + 1} is in the same match`);
          assert.equal(bot.match.entity, entities[i], `${service}: player ${i + 1} has the same body`);
          if (service === 'gateway') {
            const reseat = bot.reseats.find((r) => r.at > killedAt);
            assert.ok(reseat !== undefined, `player ${i + 1} was re-seated after the gateway restart`);
            assert.equal(reseat.info.matchId, matchId);
            assert.equal(reseat.info.entity, entities[i]);
          }
        }
        const figures = bots.map((bot, i) => {
          const falls = bot.scoreFalls.filter((f) => f.at > killedAt);
          const tickFalls = bot.tickFalls.filter((f) => f.at > killedAt);
          return (
            `player ${i + 1}: longest wait between snapshots ${Math.round(bot.longestGapFrom(from[i]!))} ms, ` +
            `score ${scores[i]} at the SIGKILL and ${bot.score} now` +
            (falls.length > 0 ? ` (fell ${falls.map((f) => `${f.from}→${f.to}`).join(', ')})` : '') +
            (tickFalls.length > 0 ? `, tick went back ${tickFalls.map((f) => `${f.from}→${f.to}`).join(', ')}` : '') +
            `, reseats ${bot.reseats.filter((r) => r.at > killedAt).length}, drops ` +
            `${bot.drops.filter((d) => d > killedAt).length}`
          );
        });
        t.diagnostic(
          `${service}: up again ${Math.round(upAt - killedAt)} ms after the SIGKILL (main: ${downS} s); server ` +
            `tick ${tick} at the SIGKILL, ${Math.max(...bots.map((bot) => bot.arrivals.at(-1)!.tick))} now; ` +
            figures.join('; '),
        );
        pids.set(service, pid);
      }

      // Leaving writes each player's stats in the player store; its acknowledgement is what must not be lost.
      const acknowledged = await acknowledgedWrites(storeMetrics);
      for (const bot of bots) assert.equal(await bot.leave(), CONSENTED);
      const lastSeen = bots.map((bot) => bot.score);
      assert.ok(
        lastSeen.every((score) => score > 0),
        `both players scored (${lastSeen}), so the stored scores below say something`,
      );
      await until('acknowledged stats of both players', async () => {
        return (await acknowledgedWrites(storeMetrics)) >= acknowledged + bots.length;
      });
      launcher.signal('SIGINT');
      assert.deepEqual(await launcher.exitWithin(), { code: 0, signal: null });

      const storage = new LmdbPlayerStorage({ path: join(launcher.dataDir, 'players') });
      try {
        for (const [i, bot] of bots.entries()) {
          const record = await storage.load(bot.match.playerId);
          assert.ok(record !== undefined, `player ${i + 1} (${bot.match.playerId}) is in the store`);
          assert.equal(record.stats.matches, 1, `player ${i + 1}: one match`);
          assert.ok(
            record.stats.score >= lastSeen[i]!,
            `player ${i + 1}: stored score ${record.stats.score} < ${lastSeen[i]}, the last one seen in a snapshot`,
          );
          t.diagnostic(
            `player ${i + 1}: last score seen ${lastSeen[i]}, stored ${record.stats.score} in ${record.stats.matches} match`,
          );
        }
      } finally {
        await storage.close();
      }
    } catch (error) {
      t.diagnostic(launcher.output());
      throw error;
    } finally {
      await Promise.all(bots.map((bot) => bot.leave().catch(() => {})));
      launcher.kill([...pids.values(), ...restarted]);
    }
    assertNoneAlive([...pids.values(), ...restarted], 'no service outlives main, restarted ones included');
  });
});

// `npm start` itself: launcher/dist/src/main.js as a real process, with the services it starts as its own children.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type MatchConnection, PacketFlowClient } from '@packetflow/client';
import { assertNoneAlive, HANG_MS, isAlive, Launcher, launchOnFreePorts, longestGap } from './main-process.js';

/** A player on the client SDK who keeps moving and notes when each snapshot arrives. */
class Player {
  readonly arrivals: { readonly at: number; readonly tick: number }[] = [];
  leftWith: number | undefined;
  private readonly moving: NodeJS.Timeout;

  private constructor(readonly match: MatchConnection) {
    match.onSnapshot((snapshot) => this.arrivals.push({ at: performance.now(), tick: snapshot.serverTick }));
    match.onLeave((code) => {
      this.leftWith = code;
    });
    this.moving = setInterval(() => match.sendInput({ move: { x: 1, y: 0 } }), 50);
  }

  static async join(url: string): Promise<Player> {
    const client = new PacketFlowClient(url);
    await client.guest();
    return new Player(await client.create({ reconnection: { minUptimeMs: 0, minDelayMs: 50, initialDelayMs: 50 } }));
  }

  /** Waits for `count` more snapshots than it has now. */
  async receives(count: number): Promise<void> {
    const target = this.arrivals.length + count;
    const deadline = Date.now() + HANG_MS;
    while (this.arrivals.length < target) {
      if (this.leftWith !== undefined) throw new Error(`the player left its match with code ${this.leftWith}`);
      if (Date.now() > deadline) throw new Error(`${this.arrivals.length} of ${target} snapshots`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The longest wait between two snapshots from `from` (an index into arrivals) on, in ms. */
  longestGapFrom(from: number): number {
    return longestGap(this.arrivals, from);
  }

  async leave(): Promise<void> {
    clearInterval(this.moving);
    if (this.leftWith === undefined) await this.match.leave();
  }
}

describe('npm start (launcher/dist/src/main.js)', { timeout: 4 * HANG_MS }, () => {
  it('prints where clients connect, serves guest tokens there, and stops every service on Ctrl-C', async () => {
    const { launcher, gatewayPort, webPort } = await launchOnFreePorts();
    let pids = new Map<string, number>();
    try {
      pids = await launcher.servicePids();
      // The Python leaderboard too: /usr/bin/python3 has python3-flatbuffers wherever the tests run.
      assert.deepEqual([...pids.keys()], ['leaderboard', 'physics', 'player-store', 'game-logic', 'gateway']);
      assert.equal(new Set(pids.values()).size, 5, 'five processes');
      const [, ws] = await launcher.line(/^ {2}clients connect to\s+(\S+)/);
      assert.equal(ws, `ws://127.0.0.1:${gatewayPort}`);
      const [, tokenUrl] = await launcher.line(/guest tokens: POST (\S+)\)$/);
      assert.equal(tokenUrl, `http://127.0.0.1:${gatewayPort}/auth/guest`);

      const response = await fetch(tokenUrl!, { method: 'POST' });
      assert.equal(response.status, 200);
      const guest = (await response.json()) as { token: unknown; playerId: unknown };
      assert.equal(typeof guest.token, 'string');
      assert.notEqual(guest.token, '');
      assert.match(String(guest.playerId), /^guest-/);

      // The demo is only there when clients/web is built, which the launcher's own build does not do.
      const [, demo] = await launcher.line(/^ {2}(open http:\/\/\S+ in a browser|browser demo\s+not built)/);
      if (demo!.startsWith('open')) {
        assert.equal(demo, `open http://127.0.0.1:${webPort}/?gateway=http://127.0.0.1:${gatewayPort} in a browser`);
        assert.equal((await fetch(`http://127.0.0.1:${webPort}/`)).status, 200);
      }
      const [, running] = await launcher.line(/^PacketFlow is running: (.*)$/);
      const metricsUrls = [...running!.matchAll(/\(pid \d+\) (http:\/\/127\.0\.0\.1:\d+)\/metrics/g)].map((m) => m[1]!);
      assert.equal(new Set(metricsUrls).size, 4, 'an admin address beside the pid of every Node service');
      assert.match(running!, /leaderboard \(pid \d+\) no admin endpoint/);
      const [, leaderboardUrl] = await launcher.line(/^ {2}leaderboard\s+GET (\S+)/);
      assert.equal(leaderboardUrl, `http://127.0.0.1:${gatewayPort}/leaderboard?mode=touch`);
      for (const url of metricsUrls) {
        assert.equal((await fetch(`${url}/healthz`)).status, 200, `${url}/healthz`);
        assert.equal((await fetch(`${url}/readyz`)).status, 200, `${url}/readyz`);
        const metrics = await (await fetch(`${url}/metrics`)).text();
        assert.match(metrics, /^packetflow_messages_handled_total\{node="[\w-]+"\} \d+$/m, `${url}/metrics`);
      }
      assert.ok(existsSync(join(launcher.dataDir, 'gateway-token-secret')), 'the data lives in PACKETFLOW_DATA_DIR');
      assert.ok(!existsSync(join(launcher.cwd, 'data')), 'and nothing in ./data');

      launcher.signal('SIGINT');
      assert.deepEqual(await launcher.exitWithin(), { code: 0, signal: null });
    } finally {
      launcher.kill(pids.values());
    }
    assert.ok(launcher.stdout.includes('stopping PacketFlow…'));
    assert.ok(launcher.stdout.some((line) => /^gateway\s+\[[\d:.]+\] INFO: gateway stopping/.test(line)));
    assertNoneAlive(pids.values(), 'no service outlives main');
  });

  it('restarts game-logic and then physics killed with SIGKILL while a player plays, who keeps getting snapshots', async (t) => {
    const { launcher, gatewayPort } = await launchOnFreePorts();
    let pids = new Map<string, number>();
    const restarted: number[] = [];
    let player: Player | undefined;
    try {
      pids = await launcher.servicePids();
      player = await Player.join(`http://127.0.0.1:${gatewayPort}`);
      const { matchId, entity } = player.match;
      await player.receives(30);
      for (const service of ['game-logic', 'physics']) {
        const victim = pids.get(service)!;
        const before = player.arrivals.length;
        const lastTick = player.arrivals.at(-1)!.tick;
        const killedAt = performance.now();
        process.kill(victim, 'SIGKILL');
        await launcher.line(
          new RegExp(
            `^${service} \\(pid ${victim}\\) died \\(killed by SIGKILL\\); restarting it in \\d+ ms \\(restart \\d of 5 allowed in 60\\.0 s\\)$`,
          ),
        );
        const pid = Number((await launcher.line(new RegExp(`^${service} restarted: pid (\\d+)$`)))[1]);
        restarted.push(pid);
        await launcher.line(new RegExp(`^${service} \\(pid ${pid}\\) is up again, [\\d.]+ s after it died$`));
        const upAt = performance.now();
        assert.ok(isAlive(pid), `the new ${service} runs`);
        for (const [name, other] of pids) if (name !== service) assert.ok(isAlive(other), `${name} was left alone`);

        await player.receives(60);
        assert.equal(player.match.matchId, matchId, 'the same match');
        assert.equal(player.match.entity, entity, 'the same body');
        assert.ok(player.arrivals.at(-1)!.tick > lastTick, 'the match went on from where it was');
        t.diagnostic(
          `${service}: up again ${Math.round(upAt - killedAt)} ms after the SIGKILL; the player's longest wait ` +
            `between snapshots ${Math.round(player.longestGapFrom(before))} ms; server tick ${lastTick} at the ` +
            `SIGKILL, ${player.arrivals.at(-1)!.tick} now`,
        );
        pids.set(service, pid);
      }
      await player.leave();
      launcher.signal('SIGINT');
      assert.deepEqual(await launcher.exitWithin(), { code: 0, signal: null });
    } finally {
      await player?.leave().catch(() => {});
      launcher.kill([...pids.values(), ...restarted]);
    }
    assertNoneAlive([...pids.values(), ...restarted], 'no service outlives main, restarted ones included');
  });

  it('stops everything and exits 1 once the restart budget is exhausted', async () => {
    const { launcher } = await launchOnFreePorts();
    let pids = new Map<string, number>();
    const killed: number[] = [];
    try {
      pids = await launcher.servicePids();
      let victim = pids.get('physics')!;
      for (let restart = 1; restart <= 5; restart++) {
        process.kill(victim, 'SIGKILL');
        killed.push(victim);
        await launcher.line(new RegExp(`^physics \\(pid ${victim}\\) died .*\\(restart ${restart} of 5 allowed`));
        // Killed again as soon as it is spawned: a crash loop, quicker than the budget's window.
        victim = Number((await launcher.line(/^physics restarted: pid (\d+)$/, restart))[1]);
      }
      process.kill(victim, 'SIGKILL');
      killed.push(victim);
      assert.deepEqual(await launcher.exitWithin(), { code: 1, signal: null });
      assert.ok(
        launcher.stderr.includes(
          `physics (pid ${victim}) died (killed by SIGKILL) and the restart budget is exhausted ` +
            '(5 restarts in 60.0 s); stopping the rest of PacketFlow',
        ),
        launcher.stderr.join('\n'),
      );
      assert.equal(launcher.stderr.filter((line) => line.startsWith('physics restarted')).length, 5, 'no sixth');
    } finally {
      launcher.kill([...pids.values(), ...killed]);
    }
    assertNoneAlive([...pids.values(), ...killed], 'every service was stopped');
  });

  it('stops the services it has started when Ctrl-C comes while they start', async () => {
    const { launcher } = await launchOnFreePorts();
    const started = () =>
      launcher.stdout
        .map((line) => line.match(/^[\w-]+\s+\[[\d:.]+\] INFO \((\d+)\): node started /)?.[1])
        .filter((pid) => pid !== undefined)
        .map(Number);
    try {
      await launcher.line(/^physics\s+\[[\d:.]+\] INFO \(\d+\): node started /);
      launcher.signal('SIGINT');
      assert.deepEqual(await launcher.exitWithin(), { code: 0, signal: null });
    } finally {
      launcher.kill(started());
    }
    assert.equal(started().length, 5, 'the start ran to its end (the Python leaderboard too), then stopped in order');
    assertNoneAlive(started(), 'no service outlives main');
  });

  it('leaves no service running when it is killed with SIGKILL itself: each leaves the cluster on its own', async () => {
    const { launcher } = await launchOnFreePorts();
    let pids = new Map<string, number>();
    try {
      pids = await launcher.servicePids();
      launcher.signal('SIGKILL');
      assert.deepEqual(await launcher.exitWithin(), { code: null, signal: 'SIGKILL' });
      const deadline = Date.now() + HANG_MS;
      while ([...pids.values()].some(isAlive) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      launcher.kill(pids.values());
    }
    assertNoneAlive(pids.values(), 'no service outlives a SIGKILLed main');
  });

  it('refuses a bad port variable with one line naming it, and starts nothing', async () => {
    for (const [variable, value] of [
      ['PACKETFLOW_GATEWAY_PORT', '70000'],
      ['PACKETFLOW_GATEWAY_PORT', 'abc'],
      ['PACKETFLOW_WEB_PORT', '8080.5'],
    ] as const) {
      const launcher = new Launcher({ [variable]: value });
      assert.deepEqual(await launcher.exitWithin(), { code: 1, signal: null });
      assert.deepEqual(launcher.stderr, [
        `PacketFlow did not start: ${variable} must be an integer 0–65535, got ${JSON.stringify(value)}`,
      ]);
      assert.deepEqual(launcher.stdout, []);
      assert.ok(!existsSync(launcher.dataDir), 'not even the data directory');
    }
  });

  it('refuses a layout it does not have with one line, and starts nothing', async () => {
    const launcher = new Launcher({ PACKETFLOW_LAYOUT: 'everything' });
    assert.deepEqual(await launcher.exitWithin(), { code: 1, signal: null });
    assert.deepEqual(launcher.stderr, [
      'PacketFlow did not start: PACKETFLOW_LAYOUT must be one of separate, together, single, got "everything"',
    ]);
    assert.ok(!existsSync(launcher.dataDir), 'not even the data directory');
  });
});

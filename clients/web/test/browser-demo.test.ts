// The built demo in a real browser (Debian's Chromium, headless, software WebGL) against the whole backend as real
// processes, served by the launcher's web server as `npm start` serves it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Backend, startBackend, startWebServer, type WebServer } from '@packetflow/launcher';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** The page's `window.packetflow` (src/debug-hook.ts), as the test reads it. */
interface DebugHook {
  readonly mode: string;
  readonly zoneDrawn: boolean;
  readonly matchId: string;
  readonly entity: number;
  position(entity: number): { x: number; y: number; z: number } | undefined;
  screen(entity: number): { x: number; y: number } | undefined;
}
type HookWindow = { readonly packetflow?: DebugHook };

const CHROMIUM = '/usr/bin/chromium';
const resultsDir = join(import.meta.dirname, '..', '..', 'test-results');
/** Long enough for a 2-core machine running every other package's tests beside this one. */
const WAIT_MS = 20_000;
/**
 * What a key held for half a second must move a body at least. Each input moves it for one tick (5 m/s for 1/30 s):
 * 15 inputs make 2.5 m, but a page starved of CPU sends fewer, so this asks for 3.
 */
const MOVED_M = 0.5;
/** The same on screen: the arena is about 12 px to the metre at this window size. */
const MOVED_PX = 4;

/** Adds everything a page reports as an error, console errors and uncaught exceptions, to `errors`. */
function collectErrors(page: Page, label: string, errors: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${label} console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`${label} uncaught: ${error.message}`));
}

async function joinedHook(page: Page): Promise<{ matchId: string; entity: number; mode: string; zoneDrawn: boolean }> {
  await page.waitForFunction(
    () => {
      const hook = (globalThis as HookWindow).packetflow;
      return hook !== undefined && hook.position(hook.entity) !== undefined && hook.screen(hook.entity) !== undefined;
    },
    undefined,
    { timeout: WAIT_MS },
  );
  return page.evaluate(() => {
    const hook = (globalThis as HookWindow).packetflow!;
    return { matchId: hook.matchId, entity: hook.entity, mode: hook.mode, zoneDrawn: hook.zoneDrawn };
  });
}

function positionOf(page: Page, entity: number): Promise<{ x: number; y: number; z: number }> {
  return page.evaluate((e) => (globalThis as HookWindow).packetflow!.position(e)!, entity);
}

function screenOf(page: Page, entity: number): Promise<{ x: number; y: number }> {
  return page.evaluate((e) => (globalThis as HookWindow).packetflow!.screen(e)!, entity);
}

/** Waits until an entity's position (`position`) or drawn place (`screen`) on one axis has gone `by` past `from`. */
async function waitForMove(
  page: Page,
  what: { entity: number; view: 'position' | 'screen'; axis: 'x' | 'y' | 'z'; from: number; by: number },
): Promise<void> {
  await page.waitForFunction(
    ({ entity, view, axis, from, by }) => {
      const hook = (globalThis as HookWindow).packetflow!;
      const place = (view === 'position' ? hook.position(entity) : hook.screen(entity)) as
        | Record<string, number>
        | undefined;
      const value = place?.[axis];
      return value !== undefined && (by > 0 ? value >= from + by : value <= from + by);
    },
    what,
    { timeout: WAIT_MS, polling: 50 },
  );
}

async function hold(page: Page, key: string, ms: number): Promise<void> {
  await page.keyboard.down(key);
  await new Promise((resolve) => setTimeout(resolve, ms));
  await page.keyboard.up(key);
}

async function panelField(page: Page, field: string): Promise<string> {
  return (await page.locator(`#hud [data-field="${field}"]`).textContent()) ?? '';
}

describe('the browser demo in Chromium against the whole backend', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'web-demo-'));
  const userDataDir = mkdtempSync(join(tmpdir(), 'web-demo-chromium-'));
  let backend: Backend;
  let web: WebServer;
  let browser: BrowserContext;
  const errors: string[] = [];
  let first: Page;
  let second: Page;
  let firstPlayer: Awaited<ReturnType<typeof joinedHook>>;
  let secondPlayer: { matchId: string; entity: number };

  before(async () => {
    // As `npm start` runs it: the Python leaderboard too.
    [backend, web] = await Promise.all([
      startBackend({ gatewayPort: 0, dataDir, leaderboard: true }),
      startWebServer({ port: 0 }),
    ]);
    assert.equal(backend.leaderboardOff, undefined, 'the Python leaderboard runs');
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 960, height: 640 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        // WebGL on SwiftShader, the CPU renderer: there is no GPU, and Chromium wants that said outright.
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await Promise.allSettled([web?.close(), backend?.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(userDataDir, { recursive: true, force: true });
  });

  const pageUrl = (query = '') => `${web.url}/?gateway=${encodeURIComponent(backend.url)}${query}`;

  it('loads, joins a match and fills in the panel', async () => {
    first = browser.pages()[0] ?? (await browser.newPage());
    collectErrors(first, 'first page', errors);
    await first.goto(pageUrl());
    firstPlayer = await joinedHook(first);
    assert.equal(await panelField(first, 'status'), 'playing');
    assert.equal(await panelField(first, 'match'), firstPlayer.matchId);
    assert.equal(await panelField(first, 'mode'), 'touch: a point for each box you touch');
    assert.equal(firstPlayer.mode, 'touch');
    assert.equal(firstPlayer.zoneDrawn, false, 'no zone on the floor of a touch match');
    // The one game-logic host of `npm start`'s layout runs every match.
    assert.equal(await panelField(first, 'host'), 'game-logic');
    // The panel catches up four times a second; players, score and tick are written together.
    await first.locator('#hud [data-field="players"]', { hasText: /^1$/ }).waitFor({ timeout: WAIT_MS });
    assert.equal(await panelField(first, 'score'), '0');
    assert.match(await panelField(first, 'tick'), /^[1-9]\d*$/);
    // The leaderboard panel has read the mode's board from the gateway: empty on a fresh data directory.
    assert.equal(await first.locator('#leaderboard h2').textContent(), 'leaderboard · touch');
    await first
      .locator('#leaderboard [data-field="leaderboard-status"]', { hasText: /^no scores yet/ })
      .waitFor({ timeout: WAIT_MS });
  });

  it('holding W moves the own body towards +z in the snapshots, and up the screen', async () => {
    const { entity } = firstPlayer;
    const before = await positionOf(first, entity);
    const drawn = await screenOf(first, entity);
    await hold(first, 'KeyW', 500);
    await waitForMove(first, { entity, view: 'position', axis: 'z', from: before.z, by: MOVED_M });
    await waitForMove(first, { entity, view: 'screen', axis: 'y', from: drawn.y, by: -MOVED_PX });
    const after = await positionOf(first, entity);
    assert.ok(Math.abs(after.x - before.x) < 0.25, `x stays put: ${before.x} → ${after.x}`);
  });

  it('a second page joins the same match by ?match= and sees the first player move', async () => {
    second = await browser.newPage();
    collectErrors(second, 'second page', errors);
    await second.goto(pageUrl(`&match=${encodeURIComponent(firstPlayer.matchId)}`));
    secondPlayer = await joinedHook(second);
    assert.equal(secondPlayer.matchId, firstPlayer.matchId);
    assert.notEqual(secondPlayer.entity, firstPlayer.entity);
    await first.locator('#hud [data-field="players"]', { hasText: /^2$/ }).waitFor({ timeout: WAIT_MS });
    const seen = await positionOf(second, firstPlayer.entity);
    await hold(first, 'ArrowDown', 500);
    await waitForMove(second, { entity: firstPlayer.entity, view: 'position', axis: 'z', from: seen.z, by: -MOVED_M });
  });

  it('holding D moves a body to the right on screen (towards -x: the camera looks at +z)', async () => {
    const { entity } = secondPlayer;
    const before = await positionOf(second, entity);
    const drawn = await screenOf(second, entity);
    await hold(second, 'KeyD', 500);
    await waitForMove(second, { entity, view: 'position', axis: 'x', from: before.x, by: -MOVED_M });
    await waitForMove(second, { entity, view: 'screen', axis: 'x', from: drawn.x, by: MOVED_PX });
    await waitForMove(first, { entity, view: 'position', axis: 'x', from: before.x, by: -MOVED_M });
  });

  it('touching a prop scores a point, and the panel shows it', async () => {
    // The first player stands east of the props' back row (z = 0, x from -6.25 to 3.75): line up with it, then go
    // west (D, since +x is to the left on screen) until the match counts a touch.
    const { entity } = firstPlayer;
    for (let step = 0; step < 60 && (await panelField(first, 'score')) === '0'; step++) {
      const { x, z } = await positionOf(first, entity);
      assert.ok(x > -7, `went past every prop in the row without touching one: x = ${x}, z = ${z}`);
      await hold(first, Math.abs(z) > 0.5 ? (z > 0 ? 'KeyS' : 'KeyW') : 'KeyD', 150);
    }
    await first.locator('#hud [data-field="score"]', { hasText: /^[1-9]\d*$/ }).waitFor({ timeout: WAIT_MS });
  });

  it('?mode=king joins a king match: the zone is drawn, the panel says the mode and links back to touch', async () => {
    const page = await browser.newPage();
    collectErrors(page, 'king page', errors);
    try {
      await page.goto(pageUrl('&mode=king'));
      const king = await joinedHook(page);
      assert.equal(king.mode, 'king');
      assert.equal(king.zoneDrawn, true);
      assert.notEqual(king.matchId, firstPlayer.matchId, 'not put in the touch match');
      assert.equal(await panelField(page, 'mode'), 'king: a point a second alone in the ring');
      const back = await page.locator('#hud a[data-action="other-mode"]').getAttribute('href');
      assert.equal(new URL(back!).searchParams.get('mode'), 'touch');
      assert.equal(await page.locator('#leaderboard h2').textContent(), 'leaderboard · king');
    } finally {
      await page.close();
    }
  });

  it('looks for the gateway on its own host at port 2567 without ?gateway=', async () => {
    const page = await browser.newPage();
    // Whatever listens on 2567 here (a developer's `npm start`) is not this test's: nothing may reach it.
    const asked: string[] = [];
    await page.route('http://127.0.0.1:2567/**', (route) => {
      asked.push(`${route.request().method()} ${route.request().url()}`);
      return route.abort();
    });
    try {
      await page.goto(web.url);
      await page
        .locator('#hud [data-field="status"]', { hasText: 'could not join on http://127.0.0.1:2567' })
        .waitFor({ timeout: WAIT_MS });
      assert.deepEqual(asked, ['POST http://127.0.0.1:2567/auth/guest']);
    } finally {
      await page.close();
    }
  });

  it('saves a screenshot of the first page with both players in it, the first among the props', async () => {
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, 'browser-demo.png');
    const png = await first.screenshot({ path: file });
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG');
  });

  it('leaving the match puts the player’s score on the leaderboard panel, and the other page’s panel shows it', async () => {
    await first.locator('#hud button[data-action="leave"]').click();
    await first.locator('#hud [data-field="status"]', { hasText: /^left the match/ }).waitFor({ timeout: WAIT_MS });
    const score = await panelField(first, 'score');
    assert.match(score, /^[1-9]\d*$/, 'the point scored earlier');
    const own = first.locator('#leaderboard li[data-own="true"]');
    await own.locator('[data-field="score"]', { hasText: new RegExp(`^${score}$`) }).waitFor({ timeout: WAIT_MS });
    const playerId = (await own.getAttribute('data-player')) ?? '';
    assert.match(playerId, /^guest-/);
    // No name was given: the row shows the player id.
    assert.equal(await own.locator('[data-field="name"]').textContent(), playerId);
    // The second page, still playing, reads the board every few seconds.
    const row = second.locator(`#leaderboard li[data-player="${playerId}"]`);
    await row.locator('[data-field="score"]', { hasText: new RegExp(`^${score}$`) }).waitFor({ timeout: WAIT_MS });
    assert.equal(await row.getAttribute('data-own'), null, 'not the second player’s own row');
    await first.screenshot({ path: join(resultsDir, 'browser-demo-leaderboard.png') });
  });

  it('logged no console error and threw no uncaught exception on either page', () => {
    assert.deepEqual(errors, []);
  });

  it('says "leaderboard off" once the Python leaderboard is gone and the gateway answers 503', async () => {
    const before = errors.length;
    // Without supervision a killed service stays down: nothing hosts leaderboards any more.
    backend.process('leaderboard').signal('SIGKILL');
    await second
      .locator('#leaderboard [data-field="leaderboard-status"]', { hasText: /^leaderboard off$/ })
      .waitFor({ timeout: WAIT_MS });
    assert.equal(await second.locator('#leaderboard li').count(), 0, 'no rows from before');
    // Chromium reports each 503 it loads as a console error; nothing else may have gone wrong.
    const since = errors.slice(before);
    assert.ok(
      since.every((line) => /console: Failed to load resource: .* 503 \(Service Unavailable\)$/.test(line)),
      since.join('\n'),
    );
  });
});

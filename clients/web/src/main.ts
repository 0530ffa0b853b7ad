// The browser demo: join a match on the gateway, draw it with three.js, drive this player's body with the keyboard.
import { installDebugHook } from './debug-hook.js';
import { LeaderboardPanel } from './hud/leaderboard-panel.js';
import { Panel } from './hud/panel.js';
import { groundMove } from './input/ground-move.js';
import { Keyboard } from './input/keyboard.js';
import { joinMatch } from './net/join-match.js';
import { LatestSnapshot } from './net/latest-snapshot.js';
import { readLeaderboard } from './net/leaderboard.js';
import { invitationTo, modeAddress, readPageOptions } from './page-options.js';
import { Bodies } from './scene/bodies.js';
import { groundAxesOf } from './scene/camera.js';
import { Stage } from './scene/stage.js';
import { createKingZone } from './scene/zone.js';

/** What scores in each mode, for the panel. */
const RULES: Readonly<Record<string, string>> = {
  touch: 'a point for each box you touch',
  king: 'a point a second alone in the ring',
};
/** How often the leaderboard is read again while playing: other players' matches end at any time. */
const LEADERBOARD_EVERY_MS = 5000;
/**
 * How long after leaving it is read once more: the match tells the leaderboard the player's score as it lets the
 * player go, which may land just after the page hears that it has left.
 */
const LEADERBOARD_AFTER_LEAVE_MS = 1000;

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`index.html has no #${id}`);
  return found;
}

const options = readPageOptions(window.location);
const panel = new Panel(element('hud'));
const stage = new Stage(element('stage'));
const keyboard = new Keyboard(window);
panel.status(`joining on ${options.gateway}…`);

const match = await joinMatch(options).catch((error: unknown) => {
  const why = error instanceof Error ? error.message : String(error);
  panel.status(`could not join on ${options.gateway}: ${why}`);
  throw error;
});
panel.status('playing');
panel.joined(match.matchId, invitationTo(window.location, match.matchId));
// The match's own mode (a joined match keeps the one it was made with), and so the leaderboard shown.
const mode = match.mode;
const other = mode === 'king' ? 'touch' : 'king';
panel.mode(mode, RULES[mode] ?? '', { mode: other, href: modeAddress(window.location, other) });
if (mode === 'king') stage.scene.add(createKingZone());
panel.host(match.host);
match.onHost((nodeId) => panel.host(nodeId));

const latest = new LatestSnapshot();
const bodies = new Bodies(stage.scene, match.entity);
match.onSnapshot((snapshot) => latest.update(snapshot));
match.onDrop(() => panel.status('connection lost, reconnecting…'));
match.onReconnect(() => panel.status('playing'));
// Re-seated through another gateway after its own went away: the same seat and entity, playing again.
match.onReseat(() => panel.status('playing'));
match.onError((code, message) => console.warn(`the gateway dropped a message: ${code} ${message}`));

// One input per server tick: the match applies one per tick, and a player without one stands still.
const sending = setInterval(() => {
  match.sendInput({ move: groundMove(keyboard.intent(), groundAxesOf(stage.camera)) });
}, 1000 / match.tickRate);

const leaderboard = new LeaderboardPanel(element('leaderboard'), mode);
/** Whether a reading is on its way: one at a time, however often a refresh is asked for. */
let reading = false;
function refreshLeaderboard(): void {
  if (reading) return;
  reading = true;
  void readLeaderboard(options.gateway, mode)
    .then((board) => leaderboard.show(board, match.playerId))
    .finally(() => {
      reading = false;
    });
}
refreshLeaderboard();
setInterval(refreshLeaderboard, LEADERBOARD_EVERY_MS);

panel.offerLeave(() => void match.leave());
match.onLeave((code, reason) => {
  clearInterval(sending);
  panel.left();
  panel.status(`left the match (${code}${reason ? ` ${reason}` : ''})`);
  refreshLeaderboard();
  setTimeout(refreshLeaderboard, LEADERBOARD_AFTER_LEAVE_MS);
});
// Leaving with consent frees the seat at once; a tab that just vanished would hold it for the reconnection window.
window.addEventListener('pagehide', () => void match.leave());

function frame(): void {
  const sampled = match.interpolation.sample(performance.now());
  const moved = sampled !== undefined && bodies.update(sampled.entities, (entity) => latest.isPlayer(entity));
  stage.render(moved);
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

// Four times a second: a tick counter redrawn at 30 Hz is a blur, and every change repaints the page.
setInterval(() => {
  panel.show({
    rttMs: match.rttMs,
    serverTick: match.serverTick,
    players: latest.playerCount,
    score: latest.scoreOf(match.entity),
  });
}, 250);

installDebugHook({
  matchId: match.matchId,
  mode,
  zoneDrawn: stage.scene.getObjectByName('king-zone') !== undefined,
  entity: match.entity,
  position: (entity) => {
    const position = latest.positionOf(entity);
    return position === undefined ? undefined : { ...position };
  },
  screen: (entity) => {
    const mesh = bodies.meshOf(entity);
    return mesh === undefined ? undefined : stage.toScreen(mesh.position);
  },
});

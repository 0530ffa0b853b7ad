// The browser demo: join a match on the gateway, draw it with three.js, drive this player's body with the keyboard.
import { installDebugHook } from './debug-hook.js';
import { Panel } from './hud/panel.js';
import { groundMove } from './input/ground-move.js';
import { Keyboard } from './input/keyboard.js';
import { joinMatch } from './net/join-match.js';
import { LatestSnapshot } from './net/latest-snapshot.js';
import { invitationTo, readPageOptions } from './page-options.js';
import { Bodies } from './scene/bodies.js';
import { groundAxesOf } from './scene/camera.js';
import { Stage } from './scene/stage.js';

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
match.onLeave((code, reason) => {
  clearInterval(sending);
  panel.status(`left the match (${code}${reason ? ` ${reason}` : ''})`);
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

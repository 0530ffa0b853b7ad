import type { Actor, Kind } from './actor.js';

/**
 * Watches are kept by the watched identity (kind + id) so that a virtual actor's watchers outlive its idle
 * deactivations, and by the watcher's activation so they can be dropped when the watcher itself goes away.
 */
export function addWatch(watcher: Actor, kind: Kind, id: string): void {
  if (kind.watchers === null) kind.watchers = new Map();
  const list = kind.watchers.get(id);
  if (list === undefined) kind.watchers.set(id, [watcher]);
  else if (list.includes(watcher)) return;
  else list.push(watcher);
  const links = watcher.linked();
  if (links.watching === null) links.watching = [];
  links.watching.push({ kind, id });
}

export function removeWatch(watcher: Actor, kind: Kind, id: string): void {
  removeWatcher(watcher, kind, id);
  const watching = watcher.links?.watching;
  if (!watching) return;
  const at = watching.findIndex((w) => w.kind === kind && w.id === id);
  if (at >= 0) watching.splice(at, 1);
}

/** Removes and returns the watchers of `id`, each forgetting that it watched it. */
export function takeWatchers(kind: Kind, id: string): Actor[] | undefined {
  const list = kind.watchers?.get(id);
  if (list === undefined) return undefined;
  kind.watchers?.delete(id);
  for (const watcher of list) {
    const watching = watcher.links?.watching;
    if (!watching) continue;
    const at = watching.findIndex((w) => w.kind === kind && w.id === id);
    if (at >= 0) watching.splice(at, 1);
  }
  return list;
}

/** Forgets everything `watcher` watches; its watches belong to the activation, like its state. */
export function dropWatches(watcher: Actor): void {
  const watching = watcher.links?.watching;
  if (!watching) return;
  for (const { kind, id } of watching) removeWatcher(watcher, kind, id);
  watching.length = 0;
}

function removeWatcher(watcher: Actor, kind: Kind, id: string): void {
  const list = kind.watchers?.get(id);
  if (list === undefined) return;
  const at = list.indexOf(watcher);
  if (at < 0) return;
  list.splice(at, 1);
  if (list.length === 0) kind.watchers?.delete(id);
}

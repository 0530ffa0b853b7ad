// `window.packetflow`: a read-only view of the match for tests and for poking at from the browser's console. It
// hands out copies; nothing reached through it changes the game.
import type { Vec3 } from '@packetflow/client';

export interface PacketFlowDebugHook {
  readonly matchId: string;
  /** The match's game mode. */
  readonly mode: string;
  /** Whether the king zone is drawn on the floor (only in a king match). */
  readonly zoneDrawn: boolean;
  /** The entity this page's player controls. */
  readonly entity: number;
  /** An entity's position in the newest snapshot (the server's, not interpolated); undefined when not in it. */
  position(entity: number): Vec3 | undefined;
  /** Where an entity is drawn now, in CSS pixels from the canvas' top left corner; undefined when not drawn. */
  screen(entity: number): { x: number; y: number } | undefined;
}

declare global {
  interface Window {
    readonly packetflow?: PacketFlowDebugHook;
  }
}

export function installDebugHook(hook: PacketFlowDebugHook): void {
  Object.defineProperty(window, 'packetflow', { value: Object.freeze({ ...hook }), enumerable: true });
}

// Colyseus' automatic reconnection, in the SDK's units and names.
import type { Room } from '@colyseus/sdk';

/** When and how often Colyseus tries to reconnect a dropped connection. Unset fields keep Colyseus' defaults. */
export interface ReconnectionSettings {
  /** Reconnect at all; true unless set. */
  readonly enabled?: boolean;
  /** Attempts before giving up with close code 4003; 15 unless set. */
  readonly maxRetries?: number;
  /** Base of the exponential backoff (attempt n waits 2^n × this), in ms; 100 unless set. */
  readonly initialDelayMs?: number;
  /** Shortest wait between attempts, in ms; 100 unless set. */
  readonly minDelayMs?: number;
  /** Longest wait between attempts, in ms; 5000 unless set. */
  readonly maxDelayMs?: number;
  /**
   * A connection dropped sooner than this after joining is not reconnected (it is likely to fail again), in ms;
   * 5000 unless set.
   */
  readonly minUptimeMs?: number;
}

/**
 * What the SDK does when Colyseus' reconnection fails because the room is gone: the gateway restarted and lost its
 * rooms, while the match kept the player's seat. It joins the same match again by its id, with the same token, and
 * goes on numbering inputs; `MatchConnection.onReseat` tells the game. Unset fields keep the defaults.
 */
export interface RejoinSettings {
  /** Rejoin at all; true unless set. */
  readonly enabled?: boolean;
  /** Attempts before giving up with the close code of the failed reconnection (4003); 10 unless set. */
  readonly maxAttempts?: number;
  /** Wait after the first failed attempt (the gateway not up yet, say), doubled after each, in ms; 250 unless set. */
  readonly initialDelayMs?: number;
  /** Longest wait between attempts, in ms; 5000 unless set. */
  readonly maxDelayMs?: number;
  /**
   * Reconnection attempts in a row that could not connect at all (the room's gateway refused or did not answer:
   * it is gone, or the network is) before the SDK stops reconnecting and rejoins through its endpoint, which a load
   * balancer points at a gateway that is up; 1 unless set. A number above `reconnection.maxRetries` keeps
   * reconnecting to the end.
   */
  readonly afterFailedReconnects?: number;
}

/** Writes the settings given into a room's reconnection options. */
export function applyReconnection(room: Room, settings: ReconnectionSettings = {}): void {
  const options = room.reconnection;
  if (settings.enabled !== undefined) options.enabled = settings.enabled;
  if (settings.maxRetries !== undefined) options.maxRetries = settings.maxRetries;
  if (settings.initialDelayMs !== undefined) options.delay = settings.initialDelayMs;
  if (settings.minDelayMs !== undefined) options.minDelay = settings.minDelayMs;
  if (settings.maxDelayMs !== undefined) options.maxDelay = settings.maxDelayMs;
  if (settings.minUptimeMs !== undefined) options.minUptime = settings.minUptimeMs;
}

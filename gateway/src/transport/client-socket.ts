import type { WebSocket } from 'uWebSockets.js';
import type { Client } from '@colyseus/core';

/** The uWS socket under a Colyseus client on the uWebSockets.js transport (its `ref` wraps it). */
export function socketOf(client: Client): WebSocket<unknown> | undefined {
  return (client.ref as { ws?: WebSocket<unknown> } | undefined)?.ws;
}

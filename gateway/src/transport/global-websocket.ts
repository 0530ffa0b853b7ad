// Colyseus 0.18 reads `WebSocket.OPEN` from the global WebSocket when a client reconnects; Node.js 22 has one,
// Node.js 20 only behind --experimental-websocket. Without it every reconnection fails with a ReferenceError, so on
// Node 20 the `ws` package's class (the one Colyseus' own SDK falls back to) stands in.
import { WebSocket } from 'ws';

export function ensureGlobalWebSocket(): void {
  if (globalThis.WebSocket === undefined) {
    (globalThis as unknown as { WebSocket: typeof WebSocket }).WebSocket = WebSocket;
  }
}

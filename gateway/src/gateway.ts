// The gateway: Colyseus on the uWebSockets.js transport, over the native build that @packetflow/uws loaded.

import { backend, nativeBuild, us_socket_local_port } from 'uWebSockets.js';
import { defineRoom, defineServer, type Server } from '@colyseus/core';
import { uWebSocketsTransport } from '@colyseus/uwebsockets-transport';
import type { GatewayConfig } from './config.js';
import { MatchRoom } from './match-room.js';
import { issueGuestToken } from './token.js';

export { backend, nativeBuild };

/**
 * The Colyseus uWebSockets.js transport, listening on one interface: upstream's `listen` drops the hostname and
 * binds every interface, where a service must stay on loopback unless configured otherwise.
 */
class BoundTransport extends uWebSocketsTransport {
  constructor(
    options: ConstructorParameters<typeof uWebSocketsTransport>[0],
    private readonly host: string,
  ) {
    super(options);
  }

  override listen(port: number, _hostname?: string, _backlog?: number, listening?: () => void): this {
    this.app.listen(this.host, port, (socket) => {
      (this as unknown as { _listeningSocket: unknown })._listeningSocket = socket;
      listening?.();
    });
    return this;
  }
}

export interface Gateway {
  readonly server: Server;
  /** The port the gateway listens on (the chosen one when the config said 0). */
  readonly port: number;
  close(): Promise<void>;
}

export async function startGateway(
  config: GatewayConfig,
  options: { log?: (line: string) => void } = {},
): Promise<Gateway> {
  const log = options.log ?? ((line: string) => console.log(line));
  // @packetflow/uws throws at import when no native build loads; this guards against a wrong mapping of the name.
  if (!nativeBuild.file.endsWith('.node')) throw new Error(`uWebSockets.js is not a native build: ${backend}`);
  log(`gateway: uWebSockets.js ${backend}`);

  const transport = new BoundTransport({ maxPayloadLength: config.maxPayloadBytes }, config.host);
  const server = defineServer({
    transport,
    gracefullyShutdown: false,
    greet: false,
    rooms: {
      match: defineRoom(MatchRoom, { secret: config.tokenSecret, maxInputBytes: config.maxInputBytes }),
    },
    express: (app) => {
      app.post('/auth/guest', (_req, res) => {
        const issued = issueGuestToken(config.tokenSecret, config.guestTokenTtlMs);
        res.json({ token: issued.token, playerId: issued.playerId, expiresAt: issued.expiresAt });
      });
    },
  });
  await server.listen(config.port);
  const listening = (transport as unknown as { _listeningSocket?: unknown })._listeningSocket;
  if (!listening) throw new Error(`gateway: could not listen on port ${config.port}`);
  const port = us_socket_local_port(listening as Parameters<typeof us_socket_local_port>[0]);
  log(`gateway: listening on ${config.host}:${port}`);
  return {
    server,
    port,
    close: () => server.gracefullyShutdown(false),
  };
}

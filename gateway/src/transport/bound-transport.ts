import { us_socket_local_port } from 'uWebSockets.js';
import { uWebSocketsTransport } from '@colyseus/uwebsockets-transport';

/**
 * The Colyseus uWebSockets.js transport, listening on one interface: upstream's `listen` drops the hostname and
 * binds every interface, where a service must stay on loopback unless configured otherwise.
 */
export class BoundTransport extends uWebSocketsTransport {
  private listening: unknown;

  constructor(
    options: ConstructorParameters<typeof uWebSocketsTransport>[0],
    private readonly host: string,
  ) {
    super(options);
  }

  override listen(port: number, _hostname?: string, _backlog?: number, listening?: () => void): this {
    this.app.listen(this.host, port, (socket) => {
      this.listening = socket;
      (this as unknown as { _listeningSocket: unknown })._listeningSocket = socket;
      listening?.();
    });
    return this;
  }

  /** The port it listens on (the chosen one when asked for 0); throws when listening failed. */
  get port(): number {
    if (!this.listening) throw new Error('the gateway is not listening (is the port taken?)');
    return us_socket_local_port(this.listening as Parameters<typeof us_socket_local_port>[0]);
  }
}

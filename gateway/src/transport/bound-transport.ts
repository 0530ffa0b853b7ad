import { type RecognizedString, type TemplatedApp, us_socket_local_port, type WebSocketBehavior } from 'uWebSockets.js';
import { CloseCode } from '@colyseus/core';
import { uWebSocketsTransport } from '@colyseus/uwebsockets-transport';
import type { RequestGuard, RequestHandler } from '../http/request-guard.js';
import type { InputFastPath } from './input-fast-path.js';

/**
 * Close codes the transport reports to rooms for a connection uWebSockets.js closed itself for breaking the
 * WebSocket protocol. uWS closes such a connection without a close frame and tells its close handler 1006, as it
 * does for a connection that merely dropped; only the reason it gives beside the code tells them apart, and
 * upstream's close handler passes Colyseus the code alone. The client sees 1006 either way.
 */
export const TransportCloseCode = {
  /** A frame over `maxPayloadLength` (RFC 6455's code for it). */
  MessageTooBig: 1009,
  /** A text frame that is not UTF-8 (RFC 6455's code for it). */
  InvalidText: 1007,
} as const;

/** uWS's reasons (the same in both native builds @packetflow/uws loads), by the start of their text. */
const VIOLATIONS: ReadonlyArray<readonly [string, number]> = [
  ['Received too big message', TransportCloseCode.MessageTooBig],
  ['Received invalid UTF-8', TransportCloseCode.InvalidText],
];

function violationCode(code: number, message: ArrayBuffer): number {
  if (code !== CloseCode.ABNORMAL_CLOSURE || message.byteLength === 0) return code;
  const reason = Buffer.from(message).toString('latin1');
  return VIOLATIONS.find(([prefix]) => reason.startsWith(prefix))?.[1] ?? code;
}

/** The app with every WebSocket behaviour registered through `ws` changed by `wrap` first. */
function wrappingSockets(
  app: TemplatedApp,
  wrap: <UserData>(behavior: WebSocketBehavior<UserData>) => WebSocketBehavior<UserData>,
): TemplatedApp {
  const register = app.ws.bind(app);
  app.ws = <UserData>(pattern: RecognizedString, behavior: WebSocketBehavior<UserData>): TemplatedApp =>
    register(pattern, wrap(behavior));
  return app;
}

/** A behaviour whose close handler hears a protocol violation's own code. */
function reportingViolations<UserData>(behavior: WebSocketBehavior<UserData>): WebSocketBehavior<UserData> {
  const { close } = behavior;
  if (close === undefined) return behavior;
  return { ...behavior, close: (ws, code, message) => close(ws, violationCode(code, message), message) };
}

/** A behaviour that gives binary frames to the input fast path (read when a frame comes) before Colyseus. */
function routingInputs<UserData>(
  behavior: WebSocketBehavior<UserData>,
  inputs: () => InputFastPath | undefined,
): WebSocketBehavior<UserData> {
  const { message } = behavior;
  if (message === undefined) return behavior;
  return {
    ...behavior,
    message: (ws, data, isBinary) => {
      if (isBinary && inputs()?.take(ws, data)) return;
      return message(ws, data, isBinary);
    },
  };
}

/**
 * The app with every HTTP handler registered through `any` (upstream serves all of HTTP, the matchmaking routes and
 * the express app, from one) behind the guard the transport holds when a request comes.
 */
function guardingRequests(app: TemplatedApp, guard: () => RequestGuard): TemplatedApp {
  const register = app.any.bind(app);
  app.any = (pattern: RecognizedString, handler: RequestHandler): TemplatedApp =>
    register(pattern, (res, req) => {
      guard().pass(res, req, handler);
    });
  return app;
}

/**
 * The Colyseus uWebSockets.js transport, listening on one interface: upstream's `listen` drops the hostname and
 * binds every interface, where a service must stay on loopback unless configured otherwise. It also reports
 * protocol violations to rooms with their own close codes (`TransportCloseCode`), puts every HTTP request
 * through a `RequestGuard` (rate and size limits), and hands player inputs to an `InputFastPath` when given one.
 */
export class BoundTransport extends uWebSocketsTransport {
  static {
    // Upstream's constructor makes its uWS app, assigns it to `this.app` and registers its WebSocket behaviour on it
    // at once; an accessor is the one place to wrap `ws` before that registration.
    const apps = new WeakMap<object, TemplatedApp>();
    Object.defineProperty(BoundTransport.prototype, 'app', {
      get(this: object) {
        return apps.get(this);
      },
      set(this: BoundTransport, app: TemplatedApp) {
        apps.set(
          this,
          guardingRequests(
            wrappingSockets(app, (behavior) => routingInputs(reportingViolations(behavior), () => this.inputs)),
            () => this.guard,
          ),
        );
      },
    });
  }

  private listening: unknown;

  constructor(
    options: ConstructorParameters<typeof uWebSocketsTransport>[0],
    private readonly host: string,
    private readonly guard: RequestGuard,
    /** Where input frames go before Colyseus' dispatch (see InputFastPath). */
    readonly inputs?: InputFastPath,
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

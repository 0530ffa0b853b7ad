// Where a Colyseus client sends its HTTP requests and opens its room's WebSocket, computed as @colyseus/sdk's
// Client does (its constructor, getHttpEndpoint and buildEndpoint), without the URL class k6 lacks.

/** The parts of a gateway address the SDK keeps (`EndpointSettings`). */
export interface GatewaySettings {
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: number;
  /** Without a trailing slash; '' for none. */
  readonly pathname: string;
  /** The query of the address, without '?'; '' for none. */
  readonly searchParams: string;
}

/** A seat reservation from `POST /matchmake/<method>/<room>`. */
export interface SeatReservation {
  readonly name: string;
  readonly sessionId: string;
  readonly roomId: string;
  readonly processId?: string;
  readonly publicAddress?: string;
  readonly reconnectionToken?: string;
}

const ADDRESS = /^(https?|wss?):\/\/(\[[^\]]+\]|[^/?#:]+)(?::(\d+))?([^?#]*)(?:\?([^#]*))?(?:#.*)?$/i;

/** Parses a gateway address, `http(s)://…` or `ws(s)://…`; throws a TypeError for anything else. */
export function parseGateway(address: string): GatewaySettings {
  const match = ADDRESS.exec(address);
  if (match === null)
    throw new TypeError(`gateway address ${JSON.stringify(address)}: expected http(s):// or ws(s)://`);
  const scheme = match[1]!.toLowerCase();
  const secure = scheme === 'https' || scheme === 'wss';
  const port = match[3] === undefined || match[3] === '' ? (secure ? 443 : 80) : Number(match[3]);
  return {
    secure,
    hostname: match[2]!.toLowerCase(),
    port,
    pathname: (match[4] ?? '').replace(/\/+$/, ''),
    searchParams: match[5] ?? '',
  };
}

function portPart(settings: GatewaySettings): string {
  return settings.port !== 80 && settings.port !== 443 ? `:${settings.port}` : '';
}

/** An HTTP route of the gateway (`getHttpEndpoint`). */
export function httpUrl(settings: GatewaySettings, path: string): string {
  const route = path.startsWith('/') ? path : `/${path}`;
  const query = settings.searchParams === '' ? '' : `?${settings.searchParams}`;
  return `${settings.secure ? 'https' : 'http'}://${settings.hostname}${portPart(settings)}${settings.pathname}${route}${query}`;
}

/** The matchmaking route for a method (`joinOrCreate`, `create`, `join`, `joinById`) and a room name or id. */
export function matchmakeUrl(settings: GatewaySettings, method: string, room: string): string {
  return httpUrl(settings, `/matchmake/${method}/${room}`);
}

/** The headers the SDK sends with a matchmaking request. */
export function matchmakeHeaders(authToken: string | undefined): Record<string, string> {
  return {
    Accept: 'application/json',
    'Content-Type': 'application/json',
    ...(authToken === undefined ? {} : { Authorization: `Bearer ${authToken}` }),
  };
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new TypeError(`seat reservation: ${field} is not a string`);
  return value;
}

function requiredString(value: unknown, field: string): string {
  const text = optionalString(value, field);
  if (text === undefined || text === '') throw new TypeError(`seat reservation: ${field} is missing`);
  return text;
}

/** Checks a matchmaking response body; throws a TypeError naming what is missing. */
export function parseSeatReservation(body: unknown): SeatReservation {
  if (typeof body !== 'object' || body === null) throw new TypeError('seat reservation: not an object');
  const fields = body as Record<string, unknown>;
  const processId = optionalString(fields.processId, 'processId');
  const publicAddress = optionalString(fields.publicAddress, 'publicAddress');
  const reconnectionToken = optionalString(fields.reconnectionToken, 'reconnectionToken');
  return {
    name: requiredString(fields.name, 'name'),
    sessionId: requiredString(fields.sessionId, 'sessionId'),
    roomId: requiredString(fields.roomId, 'roomId'),
    ...(processId === undefined ? {} : { processId }),
    ...(publicAddress === undefined ? {} : { publicAddress }),
    ...(reconnectionToken === undefined ? {} : { reconnectionToken }),
  };
}

/**
 * The room's WebSocket URL (`buildEndpoint`): the reservation's public address when it has one, else the gateway
 * the client matchmade on; the session id, a reconnection token and the auth token go in the query, unencoded as
 * the SDK writes them.
 */
export function roomUrl(settings: GatewaySettings, seat: SeatReservation, authToken: string | undefined): string {
  const options: [string, string][] = [['sessionId', seat.sessionId]];
  if (seat.reconnectionToken !== undefined) options.push(['reconnectionToken', seat.reconnectionToken]);
  if (authToken !== undefined) options.push(['_authToken', authToken]);
  let query = settings.searchParams;
  for (const [name, value] of options) query += `${query === '' ? '' : '&'}${name}=${value}`;
  const host =
    seat.publicAddress !== undefined
      ? seat.publicAddress
      : `${settings.hostname}${portPart(settings)}${settings.pathname}`;
  return `${settings.secure ? 'wss' : 'ws'}://${host}/${seat.processId}/${seat.roomId}?${query}`;
}

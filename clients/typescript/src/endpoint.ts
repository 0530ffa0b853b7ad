// The gateway answers HTTP (guest tokens, matchmaking) and WebSocket (rooms) on one address; a game may give
// either form.

/** The two forms of one gateway address, without a trailing slash. */
export interface GatewayEndpoint {
  /** `http(s)://…`, for the gateway's HTTP routes. */
  readonly http: string;
  /** `ws(s)://…`, for the Colyseus client. */
  readonly ws: string;
}

const SCHEMES: Readonly<Record<string, readonly [http: string, ws: string]>> = {
  'http:': ['http:', 'ws:'],
  'ws:': ['http:', 'ws:'],
  'https:': ['https:', 'wss:'],
  'wss:': ['https:', 'wss:'],
};

/** Parses an `http(s)://` or `ws(s)://` gateway address; throws a TypeError for anything else. */
export function parseEndpoint(endpoint: string): GatewayEndpoint {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(`gateway endpoint ${JSON.stringify(endpoint)} is not a URL`);
  }
  const schemes = SCHEMES[url.protocol];
  if (schemes === undefined) throw new TypeError(`gateway endpoint ${endpoint}: expected http(s):// or ws(s)://`);
  if (url.search !== '' || url.hash !== '') {
    throw new TypeError(`gateway endpoint ${endpoint}: a base address has no query or fragment`);
  }
  const rest = `//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  return { http: `${schemes[0]}${rest}`, ws: `${schemes[1]}${rest}` };
}

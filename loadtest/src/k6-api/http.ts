// `k6/http`, asynchronously: `http.asyncRequest` with k6's response object and metrics (http_reqs,
// http_req_duration and its phases, http_req_failed, data_sent/received). k6's blocking `http.get` and friends
// would block every VU of the thread here, so they throw and name the asynchronous form instead.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { sink } from './sample-sink.js';
import { type Resource, requireVu, sampleTags, type Vu } from './vu.js';

export interface Timings {
  blocked: number;
  connecting: number;
  tls_handshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
  duration: number;
}

export interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  timeout?: string | number;
  responseType?: 'text' | 'binary' | 'none';
}

export interface Response {
  status: number;
  status_text: string;
  url: string;
  body: string | ArrayBuffer | null;
  headers: Record<string, string>;
  timings: Timings;
  error: string;
  error_code: number;
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  json(selector?: string): unknown;
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** k6's error code for a request that failed below HTTP (a generic one: this runner does not tell causes apart). */
const GENERIC_ERROR_CODE = 1000;
const TIMEOUT_ERROR_CODE = 1050;

function timeoutMs(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value);
  if (match === null) throw new TypeError(`timeout ${value}: expected a duration such as 10s`);
  return Number(match[1]) * (match[2] === 'ms' ? 1 : match[2] === 's' ? 1000 : 60_000);
}

function encodeBody(body: unknown, headers: Record<string, string>): string | Uint8Array | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  // An object is a form, as in k6.
  headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
  const form = Object.entries(body as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]);
  return new URLSearchParams(form).toString();
}

/** Header names as k6 reports them: Content-Type, not content-type. */
function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

function responseJson(body: Response['body']): (selector?: string) => unknown {
  return (selector) => {
    if (selector !== undefined) throw new Error('Response.json(selector) is not supported by this runner');
    if (typeof body !== 'string') throw new Error('the response body is not text');
    return JSON.parse(body);
  };
}

class Request implements Resource {
  private req: ReturnType<typeof httpRequest> | undefined;
  private aborted = false;

  constructor(private readonly vu: Vu) {}

  abort(): void {
    this.aborted = true;
    this.req?.destroy();
  }

  /** Sends the request; `settle` runs on the VU once a response or an error is in. */
  send(method: string, url: string, body: unknown, params: Params, settle: (response: Response) => void): void {
    const headers: Record<string, string> = { 'User-Agent': 'k6-compatible (@packetflow/loadtest)', ...params.headers };
    const payload = encodeBody(body, headers);
    const target = new URL(url);
    const started = performance.now();
    const marks = { socket: started, connected: started, secured: started, sent: started, firstByte: started };
    let socket: Socket | undefined;
    let bytesBefore = { read: 0, written: 0 };
    const finish = (response: IncomingMessage | undefined, chunks: Buffer[], error: Error | undefined) => {
      if (this.aborted) return;
      const ended = performance.now();
      const firstByte = response === undefined ? ended : marks.firstByte;
      const timings: Timings = {
        blocked: marks.socket - started,
        connecting: marks.connected - marks.socket,
        tls_handshaking: marks.secured - marks.connected,
        sending: marks.sent - marks.secured,
        waiting: firstByte - marks.sent,
        receiving: ended - firstByte,
        duration: ended - marks.secured,
      };
      const status = error === undefined ? (response?.statusCode ?? 0) : 0;
      const raw = Buffer.concat(chunks);
      const responseType = params.responseType ?? 'text';
      const responseBody =
        status === 0 || responseType === 'none'
          ? null
          : responseType === 'binary'
            ? raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)
            : raw.toString('utf8');
      const responseHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(response?.headers ?? {})) {
        if (value !== undefined) responseHeaders[canonical(name)] = Array.isArray(value) ? value.join(', ') : value;
      }
      this.record(method, url, params, status, timings, {
        read: (socket?.bytesRead ?? 0) - bytesBefore.read,
        written: (socket?.bytesWritten ?? 0) - bytesBefore.written,
      });
      const timedOut = error?.message === 'request timeout';
      settle({
        status,
        status_text: response?.statusMessage ?? '',
        url,
        body: responseBody,
        headers: responseHeaders,
        timings,
        error: error?.message ?? '',
        error_code: error === undefined ? 0 : timedOut ? TIMEOUT_ERROR_CODE : GENERIC_ERROR_CODE,
        request: { method, url, headers, body: typeof payload === 'string' ? payload : '' },
        json: responseJson(responseBody),
      });
    };
    const make = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = make(target, { method, headers, agent: false, timeout: timeoutMs(params.timeout) });
    this.req = req;
    req.once('socket', (s: Socket) => {
      socket = s;
      bytesBefore = { read: s.bytesRead, written: s.bytesWritten };
      marks.socket = performance.now();
      s.once('connect', () => {
        marks.connected = marks.secured = performance.now();
      });
      s.once('secureConnect', () => {
        marks.secured = performance.now();
      });
    });
    req.once('finish', () => {
      marks.sent = performance.now();
    });
    req.once('timeout', () => req.destroy(new Error('request timeout')));
    req.once('response', (response) => {
      marks.firstByte = performance.now();
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => finish(response, chunks, undefined));
      response.once('error', (error) => finish(response, chunks, error));
    });
    req.once('error', (error) => finish(undefined, [], error));
    req.end(payload);
  }

  private record(
    method: string,
    url: string,
    params: Params,
    status: number,
    timings: Timings,
    bytes: { read: number; written: number },
  ): void {
    const expected = status >= 200 && status < 400;
    const { tags, key } = sampleTags(this.vu, {
      method,
      url,
      name: params.tags?.name ?? url,
      status: String(status),
      expected_response: String(expected),
      ...params.tags,
    });
    sink.add('http_reqs', 1, tags, key);
    sink.add('http_req_duration', timings.duration, tags, key);
    sink.add('http_req_blocked', timings.blocked, tags, key);
    sink.add('http_req_connecting', timings.connecting, tags, key);
    sink.add('http_req_tls_handshaking', timings.tls_handshaking, tags, key);
    sink.add('http_req_sending', timings.sending, tags, key);
    sink.add('http_req_waiting', timings.waiting, tags, key);
    sink.add('http_req_receiving', timings.receiving, tags, key);
    sink.add('http_req_failed', expected ? 0 : 1, tags, key);
    sink.add('data_received', bytes.read, this.vu.tags, this.vu.tagKey);
    sink.add('data_sent', bytes.written, this.vu.tags, this.vu.tagKey);
  }
}

/** `http.asyncRequest(method, url, body, params)`: resolves with the response, whatever its status. */
export function asyncRequest(method: string, url: string, body?: unknown, params: Params = {}): Promise<Response> {
  const vu = requireVu('http.asyncRequest');
  return new Promise((resolve) => {
    const request = new Request(vu);
    const iteration = vu.hold(request, 'http.asyncRequest');
    vu.whenAwake(() =>
      request.send(method.toUpperCase(), url, body, params, (response) => {
        vu.enter(iteration, () => resolve(response));
        vu.release(iteration, request);
      }),
    );
  });
}

function blocking(name: string): never {
  throw new Error(`http.${name} blocks its thread in this runner; use await http.asyncRequest(...) instead`);
}

const http = {
  asyncRequest,
  request: () => blocking('request'),
  get: () => blocking('get'),
  post: () => blocking('post'),
  put: () => blocking('put'),
  patch: () => blocking('patch'),
  del: () => blocking('del'),
  head: () => blocking('head'),
  options: () => blocking('options'),
  batch: () => blocking('batch'),
};

export default http;

// `k6/websockets`, on the platform's WebSocket (Node's, from undici): k6's events (open, message, error, close with
// its code and reason), its binaryType, send/close rules and metrics (ws_sessions, ws_connecting, ws_msgs_sent,
// ws_msgs_received, ws_session_duration, data_sent/received). An open socket keeps the iteration going.
import { sink } from './sample-sink.js';
import { type Iteration, type Resource, requireVu, type Vu } from './vu.js';

type EventName = 'open' | 'message' | 'error' | 'close' | 'ping' | 'pong';
type Listener = (event: Record<string, unknown>) => unknown;

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

const EVENTS: readonly EventName[] = ['open', 'message', 'error', 'close', 'ping', 'pong'];

/** The bytes of a frame header, for data_sent/data_received: 2, plus 2 or 8 for the length, plus 4 for a mask. */
function frameOverhead(length: number, masked: boolean): number {
  return 2 + (length > 0xffff ? 8 : length > 125 ? 2 : 0) + (masked ? 4 : 0);
}

function isValidCloseCode(code: number): boolean {
  return code === 1000 || (code >= 3000 && code <= 4999);
}

export interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
}

export class WebSocket implements Resource {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;
  readonly CONNECTING = CONNECTING;
  readonly OPEN = OPEN;
  readonly CLOSING = CLOSING;
  readonly CLOSED = CLOSED;

  readonly url: string;
  readyState = CONNECTING;
  bufferedAmount = 0;
  protocol = '';
  extensions = '';
  private type: 'blob' | 'arraybuffer' = 'blob';
  onopen: Listener | null = null;
  onmessage: Listener | null = null;
  onerror: Listener | null = null;
  onclose: Listener | null = null;
  onping: Listener | null = null;
  onpong: Listener | null = null;
  private readonly listeners = new Map<EventName, Listener[]>();
  private readonly vu: Vu;
  private readonly iteration: Iteration;
  private socket: globalThis.WebSocket | undefined;
  private readonly started = performance.now();
  private opened = false;
  private aborted = false;
  private closeCode = 0;
  private readonly tags: Record<string, string>;
  private readonly tagKey: string;

  constructor(url: string, protocols?: string | string[] | null, params?: Params | null) {
    this.vu = requireVu('new WebSocket');
    if (!/^wss?:\/\//i.test(String(url))) {
      throw new Error(`WebSocket requires url with scheme ws or wss, but got ${JSON.stringify(url)}`);
    }
    if (params?.headers !== undefined && Object.keys(params.headers).length > 0) {
      throw new Error('WebSocket params.headers are not supported by this runner (the platform WebSocket sends none)');
    }
    this.url = String(url);
    // The URL is left out of the tags: room URLs carry session ids, one series each.
    this.tags = { ...this.vu.tags, ...params?.tags };
    this.tagKey = Object.keys(this.tags)
      .sort()
      .map((k) => `${k}=${this.tags[k]}`)
      .join(',');
    this.iteration = this.vu.hold(this, 'new WebSocket');
    sink.add('ws_sessions', 1, this.tags, this.tagKey);
    this.vu.whenAwake(() => this.connect(protocols ?? undefined));
  }

  get binaryType(): 'blob' | 'arraybuffer' {
    return this.type;
  }

  set binaryType(value: 'blob' | 'arraybuffer') {
    if (value !== 'blob' && value !== 'arraybuffer') {
      throw new Error(`unknown binaryType ${value}, the supported ones are "blob" and "arraybuffer"`);
    }
    this.type = value;
  }

  addEventListener(event: EventName, listener: Listener): void {
    if (typeof listener !== 'function') throw new Error(`handler for event type "${event}" isn't a callable function`);
    if (!EVENTS.includes(event)) throw new Error(`unknown event ${event}`);
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
  }

  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void {
    if (this.readyState !== OPEN) throw new Error('InvalidStateError');
    const payload: string | Uint8Array | Blob =
      typeof data === 'string' || data instanceof Blob
        ? data
        : data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    const length =
      typeof payload === 'string'
        ? Buffer.byteLength(payload)
        : payload instanceof Blob
          ? payload.size
          : payload.byteLength;
    this.bufferedAmount += length;
    this.vu.whenAwake(() => {
      if (this.aborted || this.socket === undefined || this.socket.readyState !== OPEN) return;
      this.socket.send(payload);
      this.bufferedAmount -= length;
      sink.add('ws_msgs_sent', 1, this.tags, this.tagKey);
      sink.add('data_sent', length + frameOverhead(length, true), this.vu.tags, this.vu.tagKey);
    });
  }

  close(code?: number, reason = ''): void {
    if (this.readyState === CLOSING || this.readyState === CLOSED) return;
    if (code !== undefined && code !== 0 && !isValidCloseCode(code)) {
      throw new Error(
        `InvalidAccessError: the close code must be either 1000, or between 3000 and 4999. ${code} is neither`,
      );
    }
    if (Buffer.byteLength(reason) > 123) throw new Error('SyntaxError: the close reason must not exceed 123 bytes');
    this.readyState = CLOSING;
    this.closeCode = code || 1000;
    this.vu.whenAwake(() => this.socket?.close(this.closeCode, reason));
  }

  ping(): void {
    throw new Error('WebSocket.ping() is not supported by this runner: the platform WebSocket cannot send pings');
  }

  /** The iteration is being interrupted: close as k6 does (1000), and tell the script nothing more. */
  abort(): void {
    this.aborted = true;
    if (this.socket !== undefined && this.socket.readyState <= OPEN) this.socket.close(1000);
    this.finished();
  }

  private connect(protocols: string | string[] | undefined): void {
    if (this.aborted) return;
    const socket = new globalThis.WebSocket(this.url, protocols);
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      this.opened = true;
      sink.add('ws_connecting', performance.now() - this.started, this.tags, this.tagKey);
      this.protocol = socket.protocol;
      this.extensions = socket.extensions;
      this.emit('open', {}, () => {
        if (this.readyState === CONNECTING) this.readyState = OPEN;
      });
    };
    socket.onmessage = (message: MessageEvent) => {
      const raw = message.data as string | ArrayBuffer;
      const length = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength;
      sink.add('ws_msgs_received', 1, this.tags, this.tagKey);
      sink.add('data_received', length + frameOverhead(length, false), this.vu.tags, this.vu.tagKey);
      const data = typeof raw === 'string' || this.type === 'arraybuffer' ? raw : new Blob([raw]);
      this.emit('message', { data, origin: this.url });
    };
    socket.onclose = (event: { code: number; reason: string }) => {
      if (!this.opened) sink.add('ws_connecting', performance.now() - this.started, this.tags, this.tagKey);
      sink.add('ws_session_duration', performance.now() - this.started, this.tags, this.tagKey);
      const code = this.opened ? event.code || this.closeCode : 0;
      // k6 reports an error first for a failed connection and for any close but a normal one or going away.
      const unexpected = !this.opened || (code !== 1000 && code !== 1001);
      const closeEvent = code === 0 ? { reason: event.reason } : { code, reason: event.reason };
      const closing = () => {
        this.readyState = CLOSED;
        this.emit('close', closeEvent, undefined, () => this.finished());
      };
      if (unexpected) {
        const error = this.opened ? `websocket: close ${code} ${event.reason}`.trim() : 'websocket: connection failed';
        this.emit('error', { error }, undefined, closing);
      } else closing();
    };
  }

  /** Dispatches an event on the VU: first `before`, then the listeners and the on<event> handler, then `after`. */
  private emit(name: EventName, fields: Record<string, unknown>, before?: () => void, after?: () => void): void {
    if (this.aborted) return;
    this.vu.enter(this.iteration, () => {
      before?.();
      const event = { type: name, target: this, timestamp: Date.now(), ...fields };
      for (const listener of this.listeners.get(name) ?? []) listener(event);
      this[`on${name}`]?.(event);
      after?.();
    });
  }

  private finished(): void {
    this.readyState = CLOSED;
    this.vu.release(this.iteration, this);
  }
}

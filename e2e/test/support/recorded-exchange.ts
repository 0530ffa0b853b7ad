// The recorded exchange of PROTOCOL.md §10, read from the document and replayed with raw HTTP and a raw WebSocket:
// what a client written from the document alone would send, and what it would be told. The notation is the one
// §10 defines under "A recorded exchange".
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createProtocolRegistry } from '@packetflow/protocol';
import WebSocket from 'ws';

/** Values named `$name` in the exchange, taken where each first appears. */
export type Bindings = Map<string, unknown>;

type Piece = { readonly bytes: Uint8Array } | { readonly variable: string };

export type Step =
  | {
      readonly kind: 'post';
      readonly path: string;
      readonly bearer: string | undefined;
      readonly body: string | undefined;
    }
  | { readonly kind: 'answer'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'open'; readonly path: string }
  | { readonly kind: 'send'; readonly pieces: readonly Piece[] }
  | {
      readonly kind: 'expect';
      readonly pieces: readonly Piece[];
      readonly table: { readonly name: string; readonly fields: unknown } | undefined;
    }
  | { readonly kind: 'close'; readonly code: number };

export interface ExchangeLine {
  readonly line: number;
  readonly text: string;
  readonly step: Step;
}

// The protocol package ships PROTOCOL.md beside its dist/ (its "files").
const PROTOCOL_MD = new URL('../../PROTOCOL.md', import.meta.resolve('@packetflow/protocol'));
const BLOCK = /^```exchange\n([\s\S]*?)^```$/gm;
const TOKEN = /"(?:[^"\\]|\\.)*"|\$\w+|[0-9a-f]{2}/g;
/** How a `$name` is written inside JSON before parsing: an object no real body has. */
const VARIABLE_KEY = '$variable';
const SNAPSHOT_HEADER = Uint8Array.of(0x11, 0xa4, ...new TextEncoder().encode('snap'));
const WAIT_MS = 10_000;

/** The one `exchange` block of PROTOCOL.md, parsed into steps. */
export function recordedExchange(): ExchangeLine[] {
  const markdown = readFileSync(PROTOCOL_MD, 'utf8');
  const blocks = [...markdown.matchAll(BLOCK)];
  assert.equal(blocks.length, 1, 'PROTOCOL.md holds one exchange block');
  const block = blocks[0]!;
  const firstLine = markdown.slice(0, block.index).split('\n').length + 1;
  return block[1]!
    .split('\n')
    .map((text, at) => ({ text: text.trim(), line: firstLine + at }))
    .filter(({ text }) => text !== '')
    .map(({ text, line }) => ({ text, line, step: parseStep(text, line) }));
}

function parseStep(text: string, line: number): Step {
  const direction = text[0];
  const rest = text.slice(1).trim();
  if (direction === '>') {
    const post = /^POST (\S+)(?: Bearer (\$\w+))?(?: (.+))?$/.exec(rest);
    if (post) return { kind: 'post', path: post[1]!, bearer: post[2]?.slice(1), body: post[3] };
    const open = /^WS (\S+)$/.exec(rest);
    if (open) return { kind: 'open', path: open[1]! };
    return { kind: 'send', pieces: pieces(rest, line) };
  }
  if (direction === '<') {
    const answer = /^(\d{3}) (\{.*\})$/.exec(rest);
    if (answer) return { kind: 'answer', status: Number(answer[1]), body: parseJson(answer[2]!) };
    const close = /^close (\d+)$/.exec(rest);
    if (close) return { kind: 'close', code: Number(close[1]) };
    const [bytes = '', table] = rest.split(' | ');
    const tableMatch = table === undefined ? undefined : /^(\w+) (\{.*\})$/.exec(table);
    if (table !== undefined && !tableMatch) throw new Error(`PROTOCOL.md line ${line}: unreadable table "${table}"`);
    return {
      kind: 'expect',
      pieces: pieces(bytes, line),
      table: tableMatch ? { name: tableMatch[1]!, fields: parseJson(tableMatch[2]!) } : undefined,
    };
  }
  throw new Error(`PROTOCOL.md line ${line}: a step starts with > or <`);
}

function pieces(text: string, line: number): Piece[] {
  const tokens = text.match(TOKEN) ?? [];
  if (text.replace(TOKEN, '').trim() !== '') {
    throw new Error(`PROTOCOL.md line ${line}: "${text}" is not hex bytes, "text" and $names`);
  }
  return tokens.map((token) => {
    if (token.startsWith('$')) return { variable: token.slice(1) };
    if (token.startsWith('"')) return { bytes: new TextEncoder().encode(JSON.parse(token) as string) };
    return { bytes: Uint8Array.of(Number.parseInt(token, 16)) };
  });
}

function parseJson(text: string): unknown {
  return JSON.parse(text.replace(/\$(\w+)/g, (_, name: string) => JSON.stringify({ [VARIABLE_KEY]: name })));
}

function camel(key: string): string {
  return key.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * Whether `actual` has what `expected` lists: every key of an object (schema names in snake_case, read in the
 * generated objects' camelCase), an element matching each expected one in an array, equal values otherwise. A
 * variable takes the actual value the first time and must equal it after; bindings change only on a match.
 */
export function matches(expected: unknown, actual: unknown, bindings: Bindings): boolean {
  const trial = new Map(bindings);
  if (!matchInto(expected, actual, trial)) return false;
  for (const [name, value] of trial) bindings.set(name, value);
  return true;
}

function matchInto(expected: unknown, actual: unknown, bindings: Bindings): boolean {
  if (typeof expected === 'object' && expected !== null && VARIABLE_KEY in expected) {
    const name = (expected as Record<string, string>)[VARIABLE_KEY]!;
    if (!bindings.has(name)) {
      bindings.set(name, actual);
      return actual !== undefined && actual !== null;
    }
    return bindings.get(name) === actual;
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.every((item) => actual.some((each) => matches(item, each, bindings)));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) return false;
    const fields = actual as Record<string, unknown>;
    return Object.entries(expected).every(([key, value]) => matchInto(value, fields[camel(key)], bindings));
  }
  return expected === actual;
}

function bound(bindings: Bindings, name: string): string {
  const value = bindings.get(name);
  assert.ok(value !== undefined, `$${name} is used before it is taken`);
  return String(value);
}

function substitutePath(path: string, bindings: Bindings): string {
  return path.replace(/\$(\w+)/g, (_, name: string) => encodeURIComponent(bound(bindings, name)));
}

function substituteJson(json: string, bindings: Bindings): string {
  return json.replace(/\$(\w+)/g, (_, name: string) => {
    bound(bindings, name);
    return JSON.stringify(bindings.get(name));
  });
}

function encodePieces(list: readonly Piece[], bindings: Bindings): Uint8Array {
  const parts = list.map((piece) => {
    if ('bytes' in piece) return piece.bytes;
    const text = new TextEncoder().encode(bound(bindings, piece.variable));
    return Uint8Array.of(text.byteLength, ...text);
  });
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

/** Where `list` matched the start of `bytes`, the offset after it; -1 when it did not. Binds its variables. */
function matchPieces(list: readonly Piece[], bytes: Uint8Array, bindings: Bindings): number {
  const trial = new Map(bindings);
  let at = 0;
  for (const piece of list) {
    if ('bytes' in piece) {
      const slice = bytes.subarray(at, at + piece.bytes.byteLength);
      if (Buffer.compare(slice, piece.bytes) !== 0) return -1;
      at += piece.bytes.byteLength;
      continue;
    }
    const length = bytes[at];
    if (length === undefined || at + 1 + length > bytes.byteLength) return -1;
    const text = new TextDecoder().decode(bytes.subarray(at + 1, at + 1 + length));
    if (!matchInto({ [VARIABLE_KEY]: piece.variable }, text, trial)) return -1;
    at += 1 + length;
  }
  for (const [name, value] of trial) bindings.set(name, value);
  return at;
}

export type SocketEvent =
  | { readonly kind: 'message'; readonly bytes: Uint8Array }
  | { readonly kind: 'close'; readonly code: number };

/** A raw WebSocket whose messages and close are read in order, each within a deadline. */
export class RawSocket {
  private readonly events: SocketEvent[] = [];
  private wake: (() => void) | undefined;
  readonly socket: WebSocket;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.binaryType = 'nodebuffer';
    this.socket.on('message', (data: Buffer) => this.push({ kind: 'message', bytes: new Uint8Array(data) }));
    this.socket.on('close', (code: number) => this.push({ kind: 'close', code }));
    this.socket.on('error', () => {});
  }

  private push(event: SocketEvent): void {
    this.events.push(event);
    this.wake?.();
  }

  async next(what: string): Promise<SocketEvent> {
    const deadline = Date.now() + WAIT_MS;
    while (this.events.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`nothing arrived on the socket while waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return this.events.shift()!;
  }

  async send(bytes: Uint8Array): Promise<void> {
    if (this.socket.readyState === WebSocket.CONNECTING) {
      await new Promise((resolve, reject) => {
        this.socket.once('open', resolve);
        this.socket.once('close', reject);
      });
    }
    this.socket.send(bytes, { binary: true });
  }

  close(): void {
    this.socket.terminate();
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(0, 48)).toString('hex').replace(/(..)/g, '$1 ').trim();
}

/**
 * Replays the exchange against the gateway at `url` (http://host:port), failing at the first line the gateway
 * answers otherwise. Resolves with the bindings, for what the document says of their values beyond equality.
 */
export async function replay(url: string, lines: readonly ExchangeLine[]): Promise<Bindings> {
  const bindings: Bindings = new Map();
  const registry = createProtocolRegistry();
  let socket: RawSocket | undefined;
  let lastAnswer: { status: number; body: unknown } | undefined;
  try {
    for (const { line, text, step } of lines) {
      const where = `PROTOCOL.md line ${line}: ${text}`;
      switch (step.kind) {
        case 'post': {
          const body = step.body === undefined ? undefined : substituteJson(step.body, bindings);
          const response = await fetch(`${url}${substitutePath(step.path, bindings)}`, {
            method: 'POST',
            headers: {
              ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
              ...(step.bearer === undefined ? {} : { Authorization: `Bearer ${bound(bindings, step.bearer)}` }),
            },
            ...(body === undefined ? {} : { body }),
          });
          lastAnswer = { status: response.status, body: await response.json() };
          break;
        }
        case 'answer':
          assert.ok(lastAnswer, `${where}: no request before it`);
          assert.equal(lastAnswer.status, step.status, `${where}: answered ${JSON.stringify(lastAnswer)}`);
          assert.ok(matches(step.body, lastAnswer.body, bindings), `${where}: answered ${JSON.stringify(lastAnswer)}`);
          break;
        case 'open':
          socket?.close();
          socket = new RawSocket(`${url.replace(/^http/, 'ws')}${substitutePath(step.path, bindings)}`);
          break;
        case 'send':
          assert.ok(socket, `${where}: no socket open`);
          await socket.send(encodePieces(step.pieces, bindings));
          break;
        case 'expect':
        case 'close':
          assert.ok(socket, `${where}: no socket open`);
          await expectFrom(socket, step, bindings, registry, where);
          break;
      }
    }
  } finally {
    socket?.close();
  }
  return bindings;
}

async function expectFrom(
  socket: RawSocket,
  step: Extract<Step, { kind: 'expect' | 'close' }>,
  bindings: Bindings,
  registry: ReturnType<typeof createProtocolRegistry>,
  where: string,
): Promise<void> {
  for (;;) {
    const event = await socket.next(where);
    if (step.kind === 'close') {
      if (event.kind === 'message' && startsWith(event.bytes, SNAPSHOT_HEADER)) continue;
      assert.deepEqual(event, { kind: 'close', code: step.code }, where);
      return;
    }
    assert.equal(event.kind, 'message', `${where}: the socket closed (${JSON.stringify(event)})`);
    const { bytes } = event as Extract<SocketEvent, { kind: 'message' }>;
    if (fits(step, bytes, bindings, registry)) return;
    assert.ok(startsWith(bytes, SNAPSHOT_HEADER), `${where}: got ${hex(bytes)}`);
  }
}

function fits(
  step: Extract<Step, { kind: 'expect' }>,
  bytes: Uint8Array,
  bindings: Bindings,
  registry: ReturnType<typeof createProtocolRegistry>,
): boolean {
  const trial = new Map(bindings);
  const end = matchPieces(step.pieces, bytes, trial);
  if (end < 0) return false;
  if (step.table === undefined) {
    if (end !== bytes.byteLength) return false;
  } else {
    const decoded = registry.decode(step.table.name, bytes.subarray(end));
    if (!decoded.ok || !matches(step.table.fields, decoded.value.body, trial)) return false;
  }
  for (const [name, value] of trial) bindings.set(name, value);
  return true;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return Buffer.compare(bytes.subarray(0, prefix.byteLength), prefix) === 0;
}

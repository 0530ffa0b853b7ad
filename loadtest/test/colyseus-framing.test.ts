// The Colyseus frames against a recorded exchange between the real @colyseus/sdk and the real gateway.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  bytesMessage,
  decodeServerFrame,
  joinAcknowledgement,
  leaveRequest,
  pingRequest,
  RoomCode,
} from '../src/colyseus/framing.js';
import { FrameError, readNumber, readString, stringBytes } from '../src/colyseus/wire-values.js';
import { MatchCodec } from '../src/game/match-codec.js';

interface Exchange {
  readonly wsUrl: string;
  readonly http: { url: string; headers: Record<string, string>; body: string | null; response: string }[];
  readonly frames: { dir: 'client' | 'server' | 'close'; hex?: string; code?: number }[];
  readonly entity: number;
  readonly error: { code: number; message: string };
}

export const exchange: Exchange = JSON.parse(
  readFileSync(new URL('../../test/fixtures/colyseus-sdk-exchange.json', import.meta.url), 'utf8'),
);
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const sent = exchange.frames.filter((f) => f.dir === 'client').map((f) => f.hex!);
const received = exchange.frames.filter((f) => f.dir === 'server').map((f) => bytes(f.hex!));
const hex = (frame: Uint8Array) => Buffer.from(frame).toString('hex');

describe('Colyseus frames, as the SDK and the gateway exchanged them', () => {
  it('reads the JOIN_ROOM handshake: reconnection token and serializer', () => {
    const frame = decodeServerFrame(received[0]!);
    assert.equal(frame.kind, 'join');
    assert.ok(frame.kind === 'join' && frame.serializerId === 'none' && frame.reconnectionToken.length > 0);
  });

  it('answers it with the SDK’s one-byte acknowledgement', () => {
    assert.equal(hex(joinAcknowledgement()), sent[0]);
  });

  it('reads the gateway’s joined and snap byte messages, and the JoinAccepted inside', () => {
    const joined = decodeServerFrame(received[1]!);
    assert.ok(joined.kind === 'bytes' && joined.type === 'joined');
    const codec = new MatchCodec();
    const info = codec.decodeJoined(joined.body);
    assert.ok(info.ok);
    assert.equal(info.value.entity, exchange.entity);
    assert.equal(info.value.tickRate, 30);
    const snaps = received.map(decodeServerFrame).filter((f) => f.kind === 'bytes' && f.type === 'snap');
    assert.ok(snaps.length >= 3);
  });

  it('encodes inputs byte for byte as the SDK did', () => {
    const codec = new MatchCodec();
    const first = bytesMessage('in', codec.encodeInput(1, { move: { x: 1, y: 0 }, clientTick: 7 }));
    const second = bytesMessage(
      'in',
      codec.encodeInput(2, { move: { x: -0.5, y: 0.25 }, aim: { x: 1.5, y: -0.25 }, buttons: 3, clientTick: 8 }),
    );
    assert.equal(hex(first), sent[2]);
    assert.equal(hex(second), sent[3]);
  });

  it('reads the ERROR the gateway answered a malformed input with', () => {
    const error = received.map(decodeServerFrame).find((f) => f.kind === 'error');
    assert.deepEqual(error, { kind: 'error', code: exchange.error.code, message: exchange.error.message });
  });

  it('pings, reads the pong and leaves as the SDK does', () => {
    assert.equal(hex(pingRequest()), sent[1]);
    assert.ok(received.some((f) => decodeServerFrame(f).kind === 'pong'));
    assert.equal(hex(leaveRequest()), sent[sent.length - 1]);
  });
});

describe('Colyseus wire values', () => {
  it('writes fixstr, str8 and str16 headers and reads them back', () => {
    for (const text of ['in', 'x'.repeat(31), 'é'.repeat(20), 'y'.repeat(300)]) {
      const encoded = stringBytes(text);
      assert.equal(readString(encoded, { offset: 0 }), text);
    }
    assert.equal(stringBytes('in')[0], 0xa2);
    assert.equal(stringBytes('x'.repeat(40))[0], 0xd9);
    assert.equal(stringBytes('y'.repeat(300))[0], 0xda);
  });

  it('reads every number form of the schema encoding', () => {
    const cases: [number[], number][] = [
      [[0x05], 5],
      [[0xff], -1],
      [[0xe0], -32],
      [[0xcc, 200], 200],
      [[0xcd, 0x79, 0x10], 4217],
      [[0xce, 1, 0, 0, 0], 1],
      [[0xd0, 0x80], -128],
      [[0xd1, 0x00, 0x80], -32768],
      [[0xd2, 0xff, 0xff, 0xff, 0xff], -1],
      [[0xca, 0, 0, 0xc0, 0x3f], 1.5],
    ];
    for (const [input, expected] of cases) assert.equal(readNumber(Uint8Array.from(input), { offset: 0 }), expected);
  });

  it('refuses frames that end inside a field', () => {
    assert.throws(() => decodeServerFrame(Uint8Array.of(RoomCode.Error, 0xcd, 0x79)), FrameError);
    assert.throws(() => decodeServerFrame(Uint8Array.of(RoomCode.JoinRoom, 9, 0x41)), FrameError);
    assert.throws(() => decodeServerFrame(new Uint8Array(0)), FrameError);
  });

  it('reads a numeric message type and strips modifier bits from the code', () => {
    const frame = decodeServerFrame(Uint8Array.of(RoomCode.RoomDataBytes | 0x80, 0x07, 1, 2));
    assert.deepEqual(frame, { kind: 'bytes', type: 7, body: Uint8Array.of(1, 2) });
  });
});

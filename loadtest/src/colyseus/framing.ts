// Colyseus 0.18 room frames, as @colyseus/sdk's Room and @colyseus/core's Room write and read them: the first
// byte is the protocol code (its low 5 bits; the high 3 are modifiers the match room never sets), then the fields.
import { decodeUtf8 } from '../codec/utf8.js';
import { type Cursor, FrameError, isString, readNumber, readString, stringBytes } from './wire-values.js';

/** Room protocol codes (@colyseus/shared-types `Protocol`). */
export const RoomCode = {
  JoinRoom: 10,
  Error: 11,
  LeaveRoom: 12,
  RoomData: 13,
  RoomDataBytes: 17,
  Ping: 18,
} as const;

/** Close codes of Colyseus itself (@colyseus/shared-types `CloseCode`). */
export const ColyseusCloseCode = {
  Normal: 1000,
  Abnormal: 1006,
  Consented: 4000,
  ServerShutdown: 4001,
  WithError: 4002,
} as const;

const CODE_MASK = 0x1f;

/** One frame from the server, by kind. */
export type ServerFrame =
  | { readonly kind: 'join'; readonly reconnectionToken: string; readonly serializerId: string }
  | { readonly kind: 'error'; readonly code: number; readonly message: string }
  | { readonly kind: 'leave' }
  | { readonly kind: 'bytes'; readonly type: string | number; readonly body: Uint8Array }
  | { readonly kind: 'data'; readonly type: string | number }
  | { readonly kind: 'pong' }
  | { readonly kind: 'other'; readonly code: number };

function shortString(bytes: Uint8Array, at: Cursor): string {
  const length = bytes[at.offset++];
  if (length === undefined || at.offset + length > bytes.length) {
    throw new FrameError(`JOIN_ROOM ends inside a field at byte ${at.offset}`);
  }
  const text = decodeUtf8(bytes, at.offset, at.offset + length);
  at.offset += length;
  return text;
}

function messageType(bytes: Uint8Array, at: Cursor): string | number {
  return isString(bytes, at) ? readString(bytes, at) : readNumber(bytes, at);
}

/**
 * Reads one frame from the server. The handshake's state reflection and trailing sections are not read: a room
 * without state (the match room) sends none that a client needs. Throws FrameError for a frame that ends early.
 */
export function decodeServerFrame(frame: Uint8Array): ServerFrame {
  const first = frame[0];
  if (first === undefined) throw new FrameError('empty frame');
  const code = first & CODE_MASK;
  const at: Cursor = { offset: 1 };
  switch (code) {
    case RoomCode.JoinRoom: {
      const reconnectionToken = shortString(frame, at);
      return { kind: 'join', reconnectionToken, serializerId: shortString(frame, at) };
    }
    case RoomCode.Error: {
      const errorCode = readNumber(frame, at);
      return { kind: 'error', code: errorCode, message: at.offset < frame.length ? readString(frame, at) : '' };
    }
    case RoomCode.LeaveRoom:
      return { kind: 'leave' };
    case RoomCode.RoomDataBytes: {
      const type = messageType(frame, at);
      return { kind: 'bytes', type, body: frame.subarray(at.offset) };
    }
    case RoomCode.RoomData:
      return { kind: 'data', type: messageType(frame, at) };
    case RoomCode.Ping:
      return { kind: 'pong' };
    default:
      return { kind: 'other', code };
  }
}

const JOIN_ACK = Uint8Array.of(RoomCode.JoinRoom);
const LEAVE = Uint8Array.of(RoomCode.LeaveRoom);
const PING = Uint8Array.of(RoomCode.Ping);

/** What the client answers the server's JOIN_ROOM with; the server holds messages back until it arrives. */
export function joinAcknowledgement(): Uint8Array {
  return JOIN_ACK;
}

/** A consented leave: the server closes the connection with 4000 and frees the seat at once. */
export function leaveRequest(): Uint8Array {
  return LEAVE;
}

/** A Colyseus ping; the server answers with the same one byte. */
export function pingRequest(): Uint8Array {
  return PING;
}

/** A byte message (`room.sendBytes(type, body)`). */
export function bytesMessage(type: string, body: Uint8Array): Uint8Array {
  const header = stringBytes(type);
  const frame = new Uint8Array(1 + header.length + body.length);
  frame[0] = RoomCode.RoomDataBytes;
  frame.set(header, 1);
  frame.set(body, 1 + header.length);
  return frame;
}

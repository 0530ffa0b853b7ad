import { type Address, ErrorCode, ProtocolError } from '@packetflow/protocol';
import {
  ActorError,
  ActorStoppedError,
  AskTimeoutError,
  describe,
  HandlerError,
  NOT_OWNER_PREFIX,
  NotOwnerError,
  PacketRefusedError,
  RefusedError,
  SystemStoppedError,
  UnknownKindError,
  UnknownMessageError,
} from '../errors.js';

const codeOfActorError: Record<string, ErrorCode> = {
  ask_timeout: ErrorCode.Timeout,
  unknown_kind: ErrorCode.UnknownKind,
  unknown_message: ErrorCode.UnknownMessage,
  handler_failed: ErrorCode.HandlerFailed,
  actor_stopped: ErrorCode.ActorStopped,
  system_stopped: ErrorCode.Unavailable,
  refused: ErrorCode.InvalidArgument,
  not_owner: ErrorCode.Unavailable,
};

/** The wire code and text for a failure, as sent in an Error reply. */
export function toWireError(error: unknown): { code: ErrorCode; message: string } {
  if (error instanceof PacketRefusedError) return { code: error.errorCode, message: error.message };
  if (error instanceof ActorError)
    return { code: codeOfActorError[error.code] ?? ErrorCode.Unknown, message: error.message };
  if (error instanceof ProtocolError) return { code: error.code, message: error.message };
  return { code: ErrorCode.Unknown, message: describe(error) };
}

/**
 * Characters of free text (an error's message, a Down's detail) that a packet carries: at four UTF-8 bytes each,
 * within the 16 KiB a receiver takes for a string. A handler's error may say far more (a dump of what it got).
 */
const MAX_WIRE_TEXT_CHARS = 4000;

/** `text`, cut to what a packet carries, saying how much was cut. */
export function wireText(text: string): string {
  if (text.length <= MAX_WIRE_TEXT_CHARS) return text;
  return `${text.slice(0, MAX_WIRE_TEXT_CHARS)}… (${text.length - MAX_WIRE_TEXT_CHARS} characters cut)`;
}

/** Rebuilds an Error reply as the same typed error a local ask would have rejected with. */
export function fromWireError(code: ErrorCode, message: string, target: Address, type: string, ttlMs: number): Error {
  switch (code) {
    case ErrorCode.Timeout:
      return new AskTimeoutError(target, type, ttlMs);
    case ErrorCode.UnknownKind:
      return new UnknownKindError(target.kind);
    case ErrorCode.UnknownMessage:
      return new UnknownMessageError(target, type);
    case ErrorCode.HandlerFailed: {
      // The message is the remote HandlerError's, which said what failed handling what: said again, not twice.
      const said = ` failed handling ${JSON.stringify(type)}: `;
      const at = message.indexOf(said);
      return new HandlerError(target, type, new Error(at === -1 ? message : message.slice(at + said.length)));
    }
    case ErrorCode.ActorStopped:
      return new ActorStoppedError(target);
    case ErrorCode.InvalidArgument:
      return new RefusedError(message);
    case ErrorCode.Unavailable:
      if (message === new SystemStoppedError().message) return new SystemStoppedError();
      if (message.startsWith(NOT_OWNER_PREFIX)) return new NotOwnerError(message.slice(NOT_OWNER_PREFIX.length));
      return new PacketRefusedError(code, message);
    default:
      return new PacketRefusedError(code, message);
  }
}

"""Wire error codes (PROTOCOL.md §4) and the typed errors an ask fails with, on either side of the wire."""

from enum import IntEnum


class ErrorCode(IntEnum):
    UNKNOWN = 0
    MALFORMED_PACKET = 1
    TOO_LARGE = 2
    UNKNOWN_KIND = 3
    UNKNOWN_MESSAGE = 4
    HANDLER_FAILED = 5
    TIMEOUT = 6
    ACTOR_STOPPED = 7
    UNAVAILABLE = 8
    UNAUTHORIZED = 9
    RATE_LIMITED = 10
    INVALID_ARGUMENT = 11


class ProtocolError(Exception):
    """Bytes from outside that a receiver refuses: `code` is what it answers with, the text says why."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = ErrorCode(code) if code in ErrorCode._value2member_map_ else code
        self.message = message


def malformed(message):
    return ProtocolError(ErrorCode.MALFORMED_PACKET, message)


def too_large(message):
    return ProtocolError(ErrorCode.TOO_LARGE, message)


NOT_OWNER_PREFIX = "not the owner: "


class AskError(Exception):
    """An ask failed: the wire code it failed with (or would be answered with) and the text."""

    code = ErrorCode.UNKNOWN

    def __init__(self, message, code=None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class AskTimeoutError(AskError):
    code = ErrorCode.TIMEOUT


class UnknownKindError(AskError):
    code = ErrorCode.UNKNOWN_KIND


class UnknownMessageError(AskError):
    code = ErrorCode.UNKNOWN_MESSAGE


class HandlerError(AskError):
    code = ErrorCode.HANDLER_FAILED


class ActorStoppedError(AskError):
    code = ErrorCode.ACTOR_STOPPED


class UnavailableError(AskError):
    code = ErrorCode.UNAVAILABLE


class NotOwnerError(UnavailableError):
    """The node reached does not own the target in its view; asking again usually reaches the owner."""


class RefusedError(AskError):
    """Raised by a handler to refuse a message it will not act on: not a failure, so the actor is not restarted."""

    code = ErrorCode.INVALID_ARGUMENT


class PeerDownError(AskError):
    """The node the ask went to closed its connection (or was never reachable) before it answered."""

    code = ErrorCode.UNAVAILABLE


_BY_CODE = {
    ErrorCode.TIMEOUT: AskTimeoutError,
    ErrorCode.UNKNOWN_KIND: UnknownKindError,
    ErrorCode.UNKNOWN_MESSAGE: UnknownMessageError,
    ErrorCode.HANDLER_FAILED: HandlerError,
    ErrorCode.ACTOR_STOPPED: ActorStoppedError,
    ErrorCode.INVALID_ARGUMENT: RefusedError,
}


def from_wire(code, message):
    """Rebuilds an Error reply as the typed error a local ask would have failed with."""
    if code == ErrorCode.UNAVAILABLE:
        if message.startswith(NOT_OWNER_PREFIX):
            return NotOwnerError(message)
        return UnavailableError(message)
    cls = _BY_CODE.get(code)
    if cls is not None:
        return cls(message)
    return AskError(message, code)


def to_wire(error):
    """The code and text an Error reply carries for a failure."""
    if isinstance(error, (AskError, ProtocolError)):
        return int(error.code), error.message
    return int(ErrorCode.UNKNOWN), f"{type(error).__name__}: {error}"

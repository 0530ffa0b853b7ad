"""
Message types and their bodies (PROTOCOL.md §8): each type names a table of the schemas, and a body is a complete
FlatBuffer of it. Bodies are the object-API objects flatc generates (`PlayerStatsT` for `PlayerStats`), with strings as
`str`. A body from outside is verified against its table's layout before any accessor reads it.
"""

import importlib
import math

import flatbuffers

from .errors import ErrorCode, ProtocolError, malformed
from .limits import DEFAULT_LIMITS
from .schema import TABLE_LAYOUTS
from .verifier import Verifier


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def table_class(table):
    """The generated object-API class of a table (`PlayerStatsT`)."""
    qualified = TABLE_LAYOUTS[table]["qualifiedName"]
    module = importlib.import_module(qualified)
    return getattr(module, table + "T")


def _text(value):
    return value.decode("utf-8", errors="replace") if isinstance(value, (bytes, bytearray)) else value


def _strings_to_text(obj, table):
    """flatc's Python object API leaves strings as bytes; the runtime hands handlers `str`, as TypeScript does."""
    for field in TABLE_LAYOUTS[table]["fields"]:
        name = camel(field["name"])
        value = getattr(obj, name, None)
        if value is None:
            # An absent vector reads as empty (its default), as the TypeScript object API has it.
            if field["kind"] == "vector":
                setattr(obj, name, [])
            continue
        if field["kind"] == "string":
            setattr(obj, name, _text(value))
        elif field["kind"] == "table":
            _strings_to_text(value, field["table"])
        elif field["kind"] == "vector" and field["element"] == "string":
            setattr(obj, name, [_text(v) for v in value])
        elif field["kind"] == "vector" and field["element"] == "table":
            for item in value:
                if item is not None:
                    _strings_to_text(item, field["table"])
        elif field["kind"] == "vector" and field["element"] == "scalar" and not isinstance(value, list):
            setattr(obj, name, list(value.tolist() if hasattr(value, "tolist") else value))


def _check_input(input_):
    if input_ is None:
        return "input is required"
    move, aim = input_.move, input_.aim
    if move is not None and not (abs(move.x) <= 1 and abs(move.y) <= 1):
        return "move axes must be finite and within [-1, 1]"
    if aim is not None and not (math.isfinite(aim.x) and math.isfinite(aim.y)):
        return "aim must be finite"
    return None


#: The protocol's own messages: every table a node may receive under its own name, and the values each must hold.
PROTOCOL_TABLES = {
    "ClientInput": _check_input,
    "Snapshot": None,
    "PlayerInput": lambda body: _check_input(body.input),
    "MatchCheckpoint": None,
    "JoinMatch": None,
    "JoinAccepted": None,
    "LeaveMatch": None,
    "MatchHost": None,
    "PlayerProfile": None,
    "PlayerStats": None,
    "Inventory": None,
    "PhysicsStepRequest": None,
    "PhysicsStepResult": None,
    "Handshake": None,
    "Heartbeat": None,
    "Down": None,
    "Error": None,
}

#: The protocol's messages named for what they do rather than for their table (the leaderboard's, §8): type → table.
PROTOCOL_MESSAGES = {"RecordScore": "LeaderboardScore", "TopScores": "Leaderboard"}

#: The protocol's messages without fields.
PROTOCOL_EMPTY_MESSAGES = ("GetTopScores",)


class _Codec:
    __slots__ = ("type", "table", "cls", "validate")

    def __init__(self, type_, table, validate):
        self.type = type_
        self.table = table
        self.cls = table_class(table) if table is not None else None
        self.validate = validate


class MessageRegistry:
    """Maps message types to tables. A type with no table travels with an empty body (`Watch`, `Leave`, `Ack`)."""

    def __init__(self, limits=DEFAULT_LIMITS):
        self._codecs = {}
        self._verifier = Verifier(
            TABLE_LAYOUTS,
            max_string_bytes=limits.max_string_bytes,
            max_vector_length=limits.max_vector_length,
            max_depth=limits.max_depth,
            max_tables=limits.max_tables,
        )

    def register(self, type_, table=None, validate=None):
        """Registers `type_` with the bodies of `table` (the type's own name unless given)."""
        if type_ in self._codecs:
            raise ValueError(f"message type {type_} is registered twice")
        self._codecs[type_] = _Codec(type_, table or type_, validate)
        return self

    def register_empty(self, type_):
        if type_ in self._codecs:
            raise ValueError(f"message type {type_} is registered twice")
        self._codecs[type_] = _Codec(type_, None, None)
        return self

    def has(self, type_):
        return type_ in self._codecs

    def body_class(self, type_):
        """The object-API class bodies of `type_` are made with, or None for a type without fields."""
        return self._codecs[type_].cls

    def encode(self, type_, body):
        codec = self._codecs.get(type_)
        if codec is None:
            raise ProtocolError(ErrorCode.UNKNOWN_MESSAGE, f"no codec for message type {type_}")
        if codec.cls is None:
            return b""
        builder = flatbuffers.Builder(128)
        builder.Finish(body.Pack(builder))
        return bytes(builder.Output())

    def decode(self, type_, body):
        """The body object of bytes from outside; raises ProtocolError with the code to answer with."""
        codec = self._codecs.get(type_)
        if codec is None:
            raise ProtocolError(ErrorCode.UNKNOWN_MESSAGE, f"no codec for message type {type_}")
        if codec.cls is None:
            if len(body):
                raise malformed(f"{type_} carries no fields but has a {len(body)}-byte body")
            return None
        buf = bytes(body)
        root = self._verifier.verify_root(buf, codec.table)
        try:
            value = codec.cls.InitFromBuf(buf, root)
            _strings_to_text(value, codec.table)
        except Exception as error:
            raise malformed(f"unverified input reached the decoder ({type(error).__name__}: {error})") from error
        if codec.validate is not None:
            problem = codec.validate(value)
            if problem:
                raise ProtocolError(ErrorCode.INVALID_ARGUMENT, f"{type_}: {problem}")
        return value


def protocol_registry(limits=DEFAULT_LIMITS):
    """A registry with every message the schemas define; services add their own types to it."""
    registry = MessageRegistry(limits)
    for table, validate in PROTOCOL_TABLES.items():
        registry.register(table, table, validate)
    for type_, table in PROTOCOL_MESSAGES.items():
        registry.register(type_, table)
    for type_ in PROTOCOL_EMPTY_MESSAGES:
        registry.register_empty(type_)
    return registry


def to_plain(value):
    """A body object as plain values with the schema's field names in camelCase, as the golden vectors' JSON has them."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray)):
        return _text(value)
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if hasattr(value, "tolist"):
        return value.tolist()
    return {name: to_plain(v) for name, v in vars(value).items()}

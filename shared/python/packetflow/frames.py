"""
Frames, batches and envelopes (PROTOCOL.md §2, §3, §5): a frame is a u32 length and a FlatBuffer whose root is a
`Batch` of `Envelope`s. Decoding verifies first; nothing from a frame that fails verification is returned.
"""

import struct
from dataclasses import dataclass
from enum import IntFlag
from typing import Optional

import flatbuffers

from .errors import ErrorCode, ProtocolError, malformed, too_large
from .limits import DEFAULT_LIMITS
from .schema import TABLE_LAYOUTS
from .verifier import Verifier, offset_target

_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")

FRAME_HEADER_BYTES = 4


class PacketFlags(IntFlag):
    REPLY = 1
    ERROR = 2
    ASK = 4
    FORWARDED = 8


@dataclass(frozen=True)
class Address:
    kind: str
    id: str
    #: pins the address to one node; None for a virtual actor placed by rendezvous hashing
    node: Optional[str] = None

    def __str__(self):
        return f"{self.kind}/{self.id}" + (f"@{self.node}" if self.node else "")


@dataclass
class Packet:
    target: Address
    type: str
    sender: Optional[Address] = None
    correlation_id: int = 0
    flags: int = 0
    ttl_ms: int = 0
    body: bytes = b""


def _text(buf, at):
    """A verified string at `at`. Invalid UTF-8 is decoded with U+FFFD replacements, as the TypeScript decoder does."""
    length = _U32.unpack_from(buf, at)[0]
    return bytes(buf[at + 4 : at + 4 + length]).decode("utf-8", errors="replace")


class _Table:
    """Field positions of one verified table."""

    __slots__ = ("buf", "pos", "vtable", "vtable_size")

    def __init__(self, buf, pos):
        self.buf = buf
        self.pos = pos
        self.vtable = pos - _I32.unpack_from(buf, pos)[0]
        self.vtable_size = _U16.unpack_from(buf, self.vtable)[0]

    def at(self, slot):
        entry = 4 + 2 * slot
        if entry + 2 > self.vtable_size:
            return 0
        offset = _U16.unpack_from(self.buf, self.vtable + entry)[0]
        return self.pos + offset if offset else 0

    def indirect(self, slot):
        at = self.at(slot)
        return at + _U32.unpack_from(self.buf, at)[0] if at else 0


class BatchCodec:
    """Encodes packets into frames and decodes frame payloads from untrusted peers."""

    def __init__(self, limits=DEFAULT_LIMITS):
        self.limits = limits
        # A batch's strings are its names; its vectors are the packets and each body, each checked on its own below.
        self._verifier = Verifier(
            TABLE_LAYOUTS,
            max_string_bytes=limits.max_name_bytes,
            max_vector_length=max(limits.max_packets_per_batch, limits.max_body_bytes),
            max_depth=limits.max_depth,
            max_tables=limits.max_tables,
        )

    def encode_frame(self, packets):
        """One frame, length prefix included. Identical addresses are written once and shared."""
        b = flatbuffers.Builder(256)
        addresses = {}

        def address(a):
            key = (a.kind, a.id, a.node or None)
            offset = addresses.get(key)
            if offset is None:
                if not a.kind:
                    raise ProtocolError(ErrorCode.INVALID_ARGUMENT, "address kind is empty")
                kind = b.CreateString(a.kind)
                ident = b.CreateString(a.id)
                node = b.CreateString(a.node) if a.node else 0
                b.StartObject(3)
                b.PrependUOffsetTRelativeSlot(0, kind, 0)
                b.PrependUOffsetTRelativeSlot(1, ident, 0)
                if node:
                    b.PrependUOffsetTRelativeSlot(2, node, 0)
                offset = b.EndObject()
                addresses[key] = offset
            return offset

        envelopes = []
        for p in packets:
            if len(p.body) > self.limits.max_body_bytes:
                raise too_large(f"{p.type} body of {len(p.body)} bytes exceeds {self.limits.max_body_bytes}")
            if not p.type:
                raise ProtocolError(ErrorCode.INVALID_ARGUMENT, "packet type is empty")
            target = address(p.target)
            sender = address(p.sender) if p.sender is not None else 0
            kind = b.CreateString(p.type)
            body = b.CreateByteVector(bytes(p.body)) if p.body else 0
            b.StartObject(7)
            b.PrependUOffsetTRelativeSlot(0, target, 0)
            if sender:
                b.PrependUOffsetTRelativeSlot(1, sender, 0)
            b.PrependUOffsetTRelativeSlot(2, kind, 0)
            b.PrependUint32Slot(3, p.correlation_id, 0)
            b.PrependUint16Slot(4, p.flags, 0)
            b.PrependUint32Slot(5, p.ttl_ms, 0)
            if body:
                b.PrependUOffsetTRelativeSlot(6, body, 0)
            envelopes.append(b.EndObject())
        b.StartVector(4, len(envelopes), 4)
        for offset in reversed(envelopes):
            b.PrependUOffsetTRelative(offset)
        vector = b.EndVector()
        b.StartObject(1)
        b.PrependUOffsetTRelativeSlot(0, vector, 0)
        b.FinishSizePrefixed(b.EndObject())
        frame = bytes(b.Output())
        if len(frame) - FRAME_HEADER_BYTES > self.limits.max_frame_bytes:
            raise too_large(f"frame of {len(frame) - FRAME_HEADER_BYTES} bytes exceeds {self.limits.max_frame_bytes}")
        return frame

    def decode_payload(self, payload):
        """The packets of one frame payload (after the length prefix); raises ProtocolError, never anything else."""
        try:
            return self._decode(payload)
        except ProtocolError:
            raise
        except Exception as error:  # a check the verifier lacks: report it as malformed rather than crash
            raise malformed(f"unverified input reached the decoder ({type(error).__name__}: {error})") from error

    def decode_frame(self, frame):
        """A whole frame, length prefix included."""
        if len(frame) < FRAME_HEADER_BYTES:
            raise malformed("frame is shorter than its length prefix")
        length = _U32.unpack_from(frame, 0)[0]
        if length != len(frame) - FRAME_HEADER_BYTES:
            raise malformed(f"frame says {length} bytes but holds {len(frame) - FRAME_HEADER_BYTES}")
        return self.decode_payload(memoryview(frame)[FRAME_HEADER_BYTES:])

    def _decode(self, payload):
        limits = self.limits
        if len(payload) > limits.max_frame_bytes:
            raise too_large(f"frame of {len(payload)} bytes exceeds {limits.max_frame_bytes}")
        buf = bytes(payload)
        root = self._verifier.verify_root(buf, "Batch")
        vector = offset_target(buf, len(buf), _Table(buf, root).at(0))
        count = _U32.unpack_from(buf, vector)[0]
        if count > limits.max_packets_per_batch:
            raise too_large(f"batch of {count} packets exceeds {limits.max_packets_per_batch}")
        packets = []
        for i in range(count):
            slot = vector + 4 + 4 * i
            env = _Table(buf, slot + _U32.unpack_from(buf, slot)[0])
            target = self._address(buf, env.indirect(0))
            sender_at = env.indirect(1)
            kind = _text(buf, env.indirect(2))
            if not kind:
                raise malformed("packet type is empty")
            at = env.at(3)
            correlation_id = _U32.unpack_from(buf, at)[0] if at else 0
            at = env.at(4)
            flags = _U16.unpack_from(buf, at)[0] if at else 0
            at = env.at(5)
            ttl_ms = _U32.unpack_from(buf, at)[0] if at else 0
            body = b""
            at = env.indirect(6)
            if at:
                length = _U32.unpack_from(buf, at)[0]
                if length > limits.max_body_bytes:
                    raise too_large(f"{kind} body of {length} bytes exceeds {limits.max_body_bytes}")
                body = buf[at + 4 : at + 4 + length]
            packets.append(
                Packet(
                    target=target,
                    type=kind,
                    sender=self._address(buf, sender_at) if sender_at else None,
                    correlation_id=correlation_id,
                    flags=flags,
                    ttl_ms=ttl_ms,
                    body=body,
                )
            )
        return packets

    @staticmethod
    def _address(buf, pos):
        table = _Table(buf, pos)
        kind = _text(buf, table.indirect(0))
        if not kind:
            raise malformed("address kind is empty")
        node_at = table.indirect(2)
        node = _text(buf, node_at) if node_at else ""
        # An empty node pins nothing: the TypeScript decoder reads it as absent too.
        return Address(kind, _text(buf, table.indirect(1)), node or None)


class FrameReader:
    """
    Cuts a byte stream into frame payloads. A length above the limit, or below 8 (no FlatBuffer is that short), is
    refused before any of the frame is buffered; after that the stream cannot be resynchronised and stays failed.
    """

    def __init__(self, max_frame_bytes=DEFAULT_LIMITS.max_frame_bytes):
        self.max_frame_bytes = max_frame_bytes
        self._pending = bytearray()
        self.failed = None

    def push(self, chunk):
        """The complete payloads `chunk` finishes, in order; raises ProtocolError (and stays failed) on a bad length."""
        if self.failed is not None:
            raise self.failed
        self._pending += chunk
        frames = []
        at = 0
        pending = self._pending
        while len(pending) - at >= FRAME_HEADER_BYTES:
            length = _U32.unpack_from(pending, at)[0]
            if length > self.max_frame_bytes:
                self.failed = too_large(f"frame of {length} bytes announced, more than {self.max_frame_bytes}")
            elif length < 8:
                self.failed = malformed(f"frame of {length} bytes announced, too short for a batch")
            if self.failed is not None:
                self._pending = bytearray()
                raise self.failed
            if len(pending) - at - FRAME_HEADER_BYTES < length:
                break
            start = at + FRAME_HEADER_BYTES
            at = start + length
            frames.append(bytes(pending[start:at]))
        if at:
            del pending[:at]
        return frames

"""PROTOCOL.md §5: every refusal of bytes from outside, with the error code it is answered with."""

import random
import struct

import pytest

from packetflow.errors import ErrorCode, ProtocolError
from packetflow.frames import Address, BatchCodec, FrameReader, Packet
from packetflow.limits import Limits
from packetflow.messages import protocol_registry, table_class
from packetflow.schema import TABLE_LAYOUTS
from packetflow.verifier import Verifier
from protocol_md import golden_vectors

codec = BatchCodec()
registry = protocol_registry()


def refused(decode, *args):
    with pytest.raises(ProtocolError) as caught:
        decode(*args)
    return caught.value


def frame_of(*packets):
    return codec.encode_frame(list(packets))


def tell(**fields):
    return Packet(target=Address("counter", "c-1"), type="Bump", **fields)


def test_a_good_frame_decodes():
    packets = codec.decode_frame(frame_of(tell(body=b"")))
    assert packets == [tell()]


def test_too_short_buffer_is_malformed():
    assert refused(codec.decode_payload, b"\x00" * 7).code == ErrorCode.MALFORMED_PACKET


def test_root_offset_outside_the_buffer_is_malformed():
    error = refused(codec.decode_payload, struct.pack("<I", 4096) + b"\x00" * 8)
    assert error.code == ErrorCode.MALFORMED_PACKET and "out of range" not in error.message


def test_misaligned_root_is_malformed():
    assert refused(codec.decode_payload, struct.pack("<I", 2) + b"\x00" * 12).code == ErrorCode.MALFORMED_PACKET


def test_a_name_past_255_bytes_is_too_large():
    error = refused(codec.decode_frame, frame_of(Packet(target=Address("counter", "x" * 256), type="Bump")))
    assert error.code == ErrorCode.TOO_LARGE and "Address.id" in error.message


def test_a_name_of_255_bytes_is_taken():
    assert codec.decode_frame(frame_of(Packet(target=Address("counter", "x" * 255), type="Bump")))


def test_a_body_past_64_kib_is_too_large():
    big = BatchCodec(Limits(max_body_bytes=1 << 20))
    frame = big.encode_frame([tell(body=b"\x00" * (64 * 1024 + 1))])
    error = refused(codec.decode_frame, frame)
    assert error.code == ErrorCode.TOO_LARGE and "body" in error.message


def test_more_packets_than_a_batch_holds_is_too_large():
    small = BatchCodec(Limits(max_packets_per_batch=2))
    assert refused(small.decode_frame, frame_of(tell(), tell(), tell())).code == ErrorCode.TOO_LARGE


def test_empty_type_and_empty_kind_are_malformed():
    frame = frame_of(tell())
    # Rewrite "Bump" to "" in place: its length word is the 4 bytes before the text.
    at = frame.index(b"Bump") - 4
    empty_type = frame[:at] + struct.pack("<I", 0) + b"\x00" + frame[at + 5 :]
    assert "type is empty" in refused(codec.decode_frame, empty_type).message


def test_a_string_without_its_zero_is_malformed():
    frame = bytearray(frame_of(tell()))
    at = frame.index(b"Bump")
    frame[at + 4] = ord("!")
    assert "zero-terminated" in refused(codec.decode_frame, bytes(frame)).message


def test_a_missing_required_field_is_malformed():
    stats = table_class("PlayerStats")()
    stats.score = 3
    # PlayerStats.player_id is required: a body without it is refused before any accessor reads it.
    import flatbuffers

    b = flatbuffers.Builder(64)
    b.StartObject(5)
    b.PrependUint32Slot(2, 3, 0)
    b.Finish(b.EndObject())
    error = refused(registry.decode, "PlayerStats", bytes(b.Output()))
    assert error.code == ErrorCode.MALFORMED_PACKET and "player_id is required" in error.message


def test_root_counts_toward_depth():
    layouts = TABLE_LAYOUTS
    body = protocol_registry().encode("PlayerInput", player_input(0.5))
    Verifier(layouts, 1024, 1024, max_depth=2, max_tables=100).verify_root(body, "PlayerInput")
    with pytest.raises(ProtocolError) as caught:
        Verifier(layouts, 1024, 1024, max_depth=1, max_tables=100).verify_root(body, "PlayerInput")
    assert caught.value.code == ErrorCode.TOO_LARGE


def player_input(x):
    vec2 = table_class("ClientInput").__module__
    import importlib

    Vec2T = importlib.import_module(vec2.replace("ClientInput", "Vec2")).Vec2T
    move = Vec2T()
    move.x, move.y = x, 0.0
    client = table_class("ClientInput")()
    client.sequence = 1
    client.move = move
    body = table_class("PlayerInput")()
    body.playerId = "p-1"
    body.input = client
    return body


def test_values_the_schema_cannot_express_are_invalid_argument():
    body = registry.encode("PlayerInput", player_input(1.5))
    assert refused(registry.decode, "PlayerInput", body).code == ErrorCode.INVALID_ARGUMENT
    nan = registry.encode("PlayerInput", player_input(float("nan")))
    assert refused(registry.decode, "PlayerInput", nan).code == ErrorCode.INVALID_ARGUMENT


def test_invalid_utf8_is_read_with_replacement_characters():
    frame = bytearray(frame_of(Packet(target=Address("counter", "ab"), type="Bump")))
    at = frame.index(b"ab")
    frame[at] = 0xFF
    (packet,) = codec.decode_frame(bytes(frame))
    assert packet.target.id == "\ufffdb"


def test_unknown_message_type_is_unknown_message():
    assert refused(registry.decode, "NoSuchThing", b"").code == ErrorCode.UNKNOWN_MESSAGE


def test_frame_reader_refuses_lengths_before_buffering():
    reader = FrameReader(max_frame_bytes=1024)
    assert refused(reader.push, struct.pack("<I", 1025)).code == ErrorCode.TOO_LARGE
    assert refused(FrameReader().push, struct.pack("<I", 7)).code == ErrorCode.MALFORMED_PACKET


def test_frame_reader_cuts_a_stream_anywhere():
    frames = [frame_of(tell(correlation_id=i)) for i in range(1, 4)]
    stream = b"".join(frames)
    reader = FrameReader()
    got = []
    for i in range(0, len(stream), 7):
        got += reader.push(stream[i : i + 7])
    assert got == [f[4:] for f in frames]


def test_flipped_bytes_never_raise_anything_but_protocol_errors():
    """Every golden vector with random bytes changed: decoded or refused with a ProtocolError, nothing else."""
    rng = random.Random(17)
    refusals = 0
    for _, frame, _, _ in golden_vectors():
        for _ in range(400):
            mutated = bytearray(frame[4:])
            for _ in range(rng.randint(1, 4)):
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
            try:
                for packet in codec.decode_payload(bytes(mutated)):
                    if packet.body and registry.has(packet.type):
                        registry.decode(packet.type, packet.body)
            except ProtocolError as error:
                assert error.code in (ErrorCode.MALFORMED_PACKET, ErrorCode.TOO_LARGE, ErrorCode.INVALID_ARGUMENT)
                assert "unverified input" not in error.message, error.message
                refusals += 1
    assert refusals > 0

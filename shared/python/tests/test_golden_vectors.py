import pytest

from packetflow.frames import BatchCodec
from packetflow.messages import protocol_registry, to_plain
from protocol_md import golden_vectors

VECTORS = golden_vectors()
registry = protocol_registry()
codec = BatchCodec()


def as_json(packet):
    """A packet as §9 writes it: absent addresses and nodes are missing keys, an empty body is null."""
    def address(a):
        return {"kind": a.kind, "id": a.id, **({"node": a.node} if a.node else {})}

    out = {"target": address(packet.target)}
    if packet.sender is not None:
        out["sender"] = address(packet.sender)
    out.update(
        type=packet.type,
        correlationId=packet.correlation_id,
        flags=packet.flags,
        ttlMs=packet.ttl_ms,
        body=to_plain(registry.decode(packet.type, packet.body)) if packet.body else None,
    )
    return out


def test_the_page_holds_every_vector():
    assert [(name, decode_only) for name, _, _, decode_only in VECTORS] == [
        ("client-input-frame", False),
        ("ask-and-error-reply-frame", False),
        ("snapshot-frame", False),
        ("snapshot-frame-without-scores", True),
        ("ask-and-error-reply-frame-unshared", True),
    ]


@pytest.mark.parametrize("name,frame,expected,decode_only", VECTORS, ids=[v[0] for v in VECTORS])
def test_vector_decodes_to_its_values(name, frame, expected, decode_only):
    packets = codec.decode_frame(frame)
    assert {"frame": [as_json(p) for p in packets]} == expected


@pytest.mark.parametrize("name,frame,expected,decode_only", VECTORS, ids=[v[0] for v in VECTORS])
def test_vector_survives_python_encoding(name, frame, expected, decode_only):
    """Python's own layout may differ from the bytes on the page; re-encoded, it must decode to the same values."""
    packets = codec.decode_frame(frame)
    for packet in packets:
        if packet.body:
            packet.body = registry.encode(packet.type, registry.decode(packet.type, packet.body))
    again = codec.decode_frame(codec.encode_frame(packets))
    assert {"frame": [as_json(p) for p in again]} == expected

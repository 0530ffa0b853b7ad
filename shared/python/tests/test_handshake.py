"""PROTOCOL.md §7 from a dialer the node does not trust: every refusal comes as an Error (Unauthorized) then a close."""

import asyncio
import struct

from packetflow.errors import ErrorCode
from packetflow.frames import Address, BatchCodec, FrameReader, Packet
from packetflow.handshake import ACCEPTOR, DIALER, handshake_packet, new_nonce, proof_of, read_handshake
from packetflow.membership import MemberInfo
from packetflow.messages import protocol_registry
from support import SECRET, run, static_nodes

codec = BatchCodec()
registry = protocol_registry()


def test_the_documented_proofs():
    acceptor_nonce, dialer_nonce = bytes(range(32)), bytes(range(32, 64))
    secret = b"change-me-16-chars-or-more"
    dialer = proof_of(secret, DIALER, "physics-1", acceptor_nonce, "gateway-1", dialer_nonce)
    acceptor = proof_of(secret, ACCEPTOR, "physics-1", acceptor_nonce, "gateway-1", dialer_nonce)
    assert dialer.hex() == "ccb11bd56c821b1f5f39b27f7715213f57a8518e8e911c5b2272cda314bf3f9d"
    assert acceptor.hex() == "ae3a12a2942708a563727ef558a02aafd4d802849c99a03cb5cbb82017b60dcc"


async def dial(node, send):
    """Connects to `node`, lets `send(hello, writer)` answer frame 1, and returns the refusal's text and whether the
    node then closed the connection."""
    host, _, port = node.address.rpartition(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    frames = FrameReader()

    async def next_frame():
        while True:
            chunk = await asyncio.wait_for(reader.read(65536), 8)
            if not chunk:
                return None
            ready = frames.push(chunk)
            if ready:
                return ready[0]

    hello = read_handshake(registry, codec.decode_payload(await next_frame()))
    assert hello.proof == b"" and len(hello.nonce) == 32
    send(hello, writer)
    frame = await next_frame()
    (packet,) = codec.decode_payload(frame)
    assert packet.target == Address("$system", "handshake") and packet.type == "Error"
    error = registry.decode("Error", packet.body)
    assert error.code == ErrorCode.UNAUTHORIZED
    closed = await asyncio.wait_for(reader.read(1), 8) == b""
    writer.close()
    return error.message, closed


def answer(node_id, secret=SECRET.encode()):
    def send(hello, writer):
        nonce = new_nonce()
        proof = proof_of(secret, DIALER, hello.node_id, hello.nonce, node_id, nonce)
        writer.write(codec.encode_frame([handshake_packet(registry, node_id, [], nonce, proof)]))

    return send


@run
async def test_a_node_refuses_what_it_must_and_stays_up():
    a, b = await static_nodes(["py-a", "py-b"])
    try:
        cases = [
            (answer("py-z", b"not-the-cluster-secret"), "could not prove the cluster secret"),
            (answer("py-a"), "claims this node's own id"),
            (answer("stranger"), "is not a listed member"),
            (answer("py-b"), "is already connected"),
            (lambda hello, w: w.write(struct.pack("<I", 5000) + b"\x00" * 64), "unreadable stream"),
            (lambda hello, w: w.write(struct.pack("<I", 12) + b"\xff" * 12), "malformed frame"),
            (lambda hello, w: w.write(codec.encode_frame([Packet(target=Address("x", "y"), type="Bump")])),
             "expected a Handshake first"),
        ]
        for send, why in cases:
            message, closed = await dial(a, send)
            assert why in message and closed, (why, message)
        assert set(a.live_members()) == {"py-a", "py-b"} == set(b.live_members())
    finally:
        await asyncio.gather(a.close(), b.close())


@run
async def test_a_dialer_refuses_an_acceptor_that_is_not_the_member_it_meant():
    a, b = await static_nodes(["py-a", "py-b"])
    impostor_got = []

    async def impostor(reader, writer):
        nonce = new_nonce()
        writer.write(codec.encode_frame([handshake_packet(registry, "py-c", [], nonce, None)]))
        frames = FrameReader()
        while True:
            chunk = await reader.read(4096)
            if not chunk:
                break
            impostor_got.extend(codec.decode_payload(f) for f in frames.push(chunk))
        writer.close()

    server = await asyncio.start_server(impostor, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        a._dial(MemberInfo("py-x", ("counter",), f"127.0.0.1:{port}", 0), 0)
        await asyncio.sleep(0.5)
        (refusal,) = impostor_got[0]
        assert "expected node py-x" in registry.decode("Error", refusal.body).message
    finally:
        server.close()
        await asyncio.gather(a.close(), b.close())

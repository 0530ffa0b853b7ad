"""
The handshake that opens every connection (PROTOCOL.md §7): three `Handshake` frames to `$system/handshake`, each side
proving the cluster secret with an HMAC bound to both nonces, both node ids and its direction.
"""

import hashlib
import hmac
import os
import re
import struct
from dataclasses import dataclass

from .errors import ErrorCode, ProtocolError
from .frames import Address, Packet
from .schema import System  # noqa: F401  (loads the generated package path)

PROTOCOL_VERSION = 2
NONCE_BYTES = 32
HANDSHAKE_TARGET = Address("$system", "handshake")
PROOF_LABEL = b"PacketFlow handshake v2\x00"
DIALER = 1
ACCEPTOR = 2

NAME_RULE = "1-128 letters, digits or _ . : -"
_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,128}")


def is_name(value):
    """Node ids, roles and cluster names."""
    return isinstance(value, str) and _NAME.fullmatch(value) is not None


def new_nonce():
    return os.urandom(NONCE_BYTES)


def proof_of(secret, direction, acceptor_id, acceptor_nonce, dialer_id, dialer_nonce):
    """HMAC-SHA256(secret, label ‖ direction ‖ nonces ‖ u16be-length-prefixed acceptor id and dialer id)."""
    mac = hmac.new(secret, digestmod=hashlib.sha256)
    mac.update(PROOF_LABEL)
    mac.update(bytes([direction]))
    mac.update(bytes(acceptor_nonce))
    mac.update(bytes(dialer_nonce))
    for node_id in (acceptor_id, dialer_id):
        encoded = node_id.encode("utf-8")
        mac.update(struct.pack(">H", len(encoded)))
        mac.update(encoded)
    return mac.digest()


def proof_holds(secret, direction, acceptor_id, acceptor_nonce, dialer_id, dialer_nonce, proof):
    expected = proof_of(secret, direction, acceptor_id, acceptor_nonce, dialer_id, dialer_nonce)
    return hmac.compare_digest(bytes(proof), expected)


def handshake_packet(registry, node_id, roles, nonce, proof):
    from PacketFlow.System.Handshake import HandshakeT
    from PacketFlow.System.Role import RoleT

    body = HandshakeT()
    body.protocolVersion = PROTOCOL_VERSION
    body.nodeId = node_id
    body.roles = []
    for name in roles:
        role = RoleT()
        role.name = name
        body.roles.append(role)
    body.nonce = bytes(nonce)
    # "Proof empty" in frame 1 is a zero-length vector, as the TypeScript node writes it; absent reads the same.
    body.proof = bytes(proof or b"")
    return Packet(target=HANDSHAKE_TARGET, type="Handshake", body=registry.encode("Handshake", body))


def refusal_packet(registry, reason):
    """The `Error` (Unauthorized) a side sends before it closes a connection whose handshake it refused."""
    from PacketFlow.System.Error import ErrorT

    body = ErrorT()
    body.code = int(ErrorCode.UNAUTHORIZED)
    body.message = reason
    return Packet(target=HANDSHAKE_TARGET, type="Error", body=registry.encode("Error", body))


@dataclass
class PeerHello:
    node_id: str
    roles: list
    nonce: bytes
    proof: bytes


class HandshakeRefused(Exception):
    """A handshake frame that was not accepted; `by_peer` when the peer sent a refusal instead of a Handshake."""

    def __init__(self, reason, by_peer=False):
        super().__init__(reason)
        self.reason = reason
        self.by_peer = by_peer


def read_handshake(registry, packets):
    """The one Handshake a handshake frame must hold; raises HandshakeRefused saying why it does not hold one."""
    if len(packets) == 1 and packets[0].type == "Error":
        try:
            why = registry.decode("Error", packets[0].body).message
        except ProtocolError:
            why = None
        raise HandshakeRefused(f"refused by the peer: {why or 'no reason given'}", by_peer=True)
    if len(packets) != 1 or packets[0].type != "Handshake":
        raise HandshakeRefused("expected a Handshake first")
    try:
        hello = registry.decode("Handshake", packets[0].body)
    except ProtocolError as error:
        raise HandshakeRefused(f"unreadable Handshake: {error.message}") from None
    if hello.protocolVersion != PROTOCOL_VERSION:
        raise HandshakeRefused(
            f"speaks protocol version {hello.protocolVersion}, this node speaks {PROTOCOL_VERSION}"
        )
    if not is_name(hello.nodeId):
        raise HandshakeRefused(f"Handshake whose node id is not {NAME_RULE}")
    nonce = bytes(hello.nonce or [])
    if len(nonce) != NONCE_BYTES:
        raise HandshakeRefused(f"nonce of {len(nonce)} bytes, expected {NONCE_BYTES}")
    roles = [role.name for role in (hello.roles or []) if role is not None and role.name]
    return PeerHello(hello.nodeId, roles, nonce, bytes(hello.proof or []))

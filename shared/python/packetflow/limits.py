"""Size limits a receiver enforces on bytes from outside (PROTOCOL.md §5); every one is checked before a read."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_frame_bytes: int = 1 << 20
    max_packets_per_batch: int = 8192
    max_body_bytes: int = 64 * 1024
    #: kinds, ids, node ids and message types: the strings of a batch
    max_name_bytes: int = 255
    #: strings inside a message body
    max_string_bytes: int = 16 * 1024
    #: elements of one vector inside a message body
    max_vector_length: int = 16 * 1024
    #: the root table is at depth 1
    max_depth: int = 16
    max_tables: int = 64 * 1024


DEFAULT_LIMITS = Limits()

#: Frames a peer may send before it has proved the cluster secret (PROTOCOL.md §7).
HANDSHAKE_MAX_FRAME_BYTES = 4096

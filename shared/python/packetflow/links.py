"""
The two kinds of connection between nodes (PROTOCOL.md §7). Each node sends only on connections it dialed
(OutboundLink) and receives only on connections it accepted (InboundLink). Both start with the three-frame
handshake; until a peer has proved the cluster secret its frames may be at most 4 KiB, and nothing it sends reaches an
actor.
"""

import asyncio
import logging
import time

from .errors import ProtocolError
from .frames import FrameReader
from .handshake import (
    ACCEPTOR,
    DIALER,
    HandshakeRefused,
    handshake_packet,
    new_nonce,
    proof_holds,
    proof_of,
    read_handshake,
    refusal_packet,
)
from .limits import HANDSHAKE_MAX_FRAME_BYTES

log = logging.getLogger("packetflow.links")

PACKETS_PER_FRAME = 4096


class Silence:
    """Heartbeat intervals in a row without a sign of life from a link's peer: counted, not timed, so a stall here
    costs one interval rather than condemning the peer."""

    def __init__(self):
        self.heard = False
        self.intervals = 0
        self.last_heard_at = time.monotonic()

    def heard_from(self):
        self.heard = True
        self.last_heard_at = time.monotonic()

    def elapse(self):
        self.intervals = 0 if self.heard else self.intervals + 1
        self.heard = False
        return self.intervals


class _Stream:
    """Frames from a StreamReader, through a FrameReader whose limit can change once the peer is authenticated."""

    def __init__(self, reader, max_frame_bytes):
        self.reader = reader
        self.frames = FrameReader(max_frame_bytes)
        self.ready = []

    async def next(self):
        """The next payload; None at the end of the stream. Raises ProtocolError for a bad length."""
        while not self.ready:
            chunk = await self.reader.read(65536)
            if not chunk:
                return None
            self.ready.extend(self.frames.push(chunk))
        return self.ready.pop(0)

    def enlarge(self, max_frame_bytes):
        self.frames.max_frame_bytes = max_frame_bytes


class OutboundLink:
    """A connection this node dialed to one peer, to send on. Packets sent in one turn of the loop go as one frame."""

    def __init__(self, node, peer):
        self.node = node
        self.peer = peer
        self.state = "connecting"
        self.silence = Silence()
        self._queue = []
        self._flush_scheduled = False
        self._writer = None
        self.task = asyncio.get_running_loop().create_task(self._run())

    def send(self, packet):
        """Queues a packet; False when the link is down or its queue is full."""
        if self.state == "down" or len(self._queue) >= self.node.max_queued_packets:
            return False
        self._queue.append(packet)
        if self.state == "open" and not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)
        return True

    def close(self, reason):
        self._down(reason, refused=False)

    def _flush(self):
        self._flush_scheduled = False
        if self.state != "open":
            return
        while self._queue:
            batch, self._queue = self._queue[:PACKETS_PER_FRAME], self._queue[PACKETS_PER_FRAME:]
            try:
                self._writer.write(self.node.codec.encode_frame(batch))
            except ProtocolError as error:
                # One packet the codec will not write (a body over the limit) must not take the others with it.
                log.warning("a frame to %s could not be encoded: %s", self.peer.id, error.message)
                for packet in batch:
                    try:
                        self._writer.write(self.node.codec.encode_frame([packet]))
                    except ProtocolError:
                        self.node.unencodable(packet)

    async def drained(self):
        while self.state == "open" and (self._queue or self._flush_scheduled):
            await asyncio.sleep(0.005)
        if self.state == "open":
            await self._writer.drain()

    async def _run(self):
        node, peer = self.node, self.peer
        host, _, port = peer.address.rpartition(":")
        try:
            reader, self._writer = await asyncio.wait_for(
                asyncio.open_connection(host.strip("[]"), int(port)), node.handshake_timeout_ms / 1000
            )
            stream = _Stream(reader, HANDSHAKE_MAX_FRAME_BYTES)
            await asyncio.wait_for(self._handshake(stream), node.handshake_timeout_ms / 1000)
        except HandshakeRefused as refusal:
            if refusal.by_peer:
                self._down(refusal.reason, refused=True)
            else:
                self._refuse(refusal.reason)
            return
        except asyncio.TimeoutError:
            self._refuse("handshake timed out")
            return
        except (OSError, ProtocolError, ValueError) as error:
            self._down(f"could not link: {getattr(error, 'message', error)}", refused=False)
            return
        if self.state == "down":
            return
        self.state = "open"
        node.link_open(self)
        self._flush()
        # The acceptor sends nothing after frame 3 but the reason it drops this link.
        try:
            payload = await stream.next()
        except (OSError, ProtocolError) as error:
            self._down(f"unreadable stream: {getattr(error, 'message', error)}", refused=False)
            return
        if payload is None:
            self._down("connection closed", refused=False)
            return
        try:
            read_handshake(node.registry, node.codec.decode_payload(payload))
            reason = "peer sent data on a send-only link"
        except HandshakeRefused as refusal:
            reason = refusal.reason if refusal.by_peer else "peer sent data on a send-only link"
        except ProtocolError:
            reason = "peer sent data on a send-only link"
        self._down(reason, refused=True)

    async def _handshake(self, stream):
        node, peer = self.node, self.peer
        nonce = new_nonce()
        acceptor = None
        while True:
            payload = await stream.next()
            if payload is None:
                raise OSError("connection closed during the handshake")
            try:
                packets = node.codec.decode_payload(payload)
            except ProtocolError as error:
                raise HandshakeRefused(f"malformed frame: {error.message}") from None
            hello = read_handshake(node.registry, packets)
            if hello.node_id != peer.id:
                raise HandshakeRefused(f"expected node {peer.id} at {peer.address}, found {hello.node_id}")
            if acceptor is None:
                acceptor = hello
                proof = proof_of(node.secret, DIALER, acceptor.node_id, acceptor.nonce, node.node_id, nonce)
                frame = node.codec.encode_frame([handshake_packet(node.registry, node.node_id, node.roles, nonce, proof)])
                self._writer.write(frame)
                continue
            if hello.nonce != acceptor.nonce:
                raise HandshakeRefused("the nonce of frame 3 is not the one of frame 1")
            if not proof_holds(node.secret, ACCEPTOR, acceptor.node_id, acceptor.nonce, node.node_id, nonce, hello.proof):
                raise HandshakeRefused("peer could not prove the cluster secret")
            return

    def _refuse(self, reason):
        """Tells the acceptor why this node refuses its handshake, then goes down."""
        if self.state != "connecting":
            return
        if self._writer is not None:
            try:
                self._writer.write(self.node.codec.encode_frame([refusal_packet(self.node.registry, reason)]))
            except (OSError, RuntimeError):
                pass
        self._down(reason, refused=True)

    def _down(self, reason, refused):
        if self.state == "down":
            return
        was_open = self.state == "open"
        self.state = "down"
        writer = self._writer
        if writer is not None:
            if refused:
                self.node.linger(writer)
            else:
                writer.close()
        if asyncio.current_task() is not self.task:
            self.task.cancel()
        unsent, self._queue = self._queue, []
        self.node.link_down(self, reason, unsent, was_open, refused)


class InboundLink:
    """A connection a peer dialed to this node, to receive on."""

    def __init__(self, node, reader, writer):
        self.node = node
        self.peer_id = None
        self.silence = Silence()
        self.closed = False
        self._writer = writer
        peer = writer.get_extra_info("peername")
        self._who = f"unauthenticated peer {peer[0]}:{peer[1]}" if peer else "unauthenticated peer"
        self.task = asyncio.get_running_loop().create_task(self._run(reader))

    async def _run(self, reader):
        node = self.node
        stream = _Stream(reader, HANDSHAKE_MAX_FRAME_BYTES)
        nonce = new_nonce()
        try:
            self._writer.write(
                node.codec.encode_frame([handshake_packet(node.registry, node.node_id, node.roles, nonce, None)])
            )
            payload = await asyncio.wait_for(stream.next(), node.handshake_timeout_ms / 1000)
            if payload is None:
                return self.close()
            try:
                hello = read_handshake(node.registry, node.codec.decode_payload(payload))
            except ProtocolError as error:
                return self._refuse(f"malformed frame: {error.message}")
            except HandshakeRefused as refusal:
                return self.drop(refusal.reason) if refusal.by_peer else self._refuse(refusal.reason)
            if not proof_holds(node.secret, DIALER, node.node_id, nonce, hello.node_id, hello.nonce, hello.proof):
                return self._refuse(f"{hello.node_id} could not prove the cluster secret")
            refusal = node.refusal_of(hello.node_id)
            if refusal is not None:
                return self._refuse(refusal)
            self.peer_id = hello.node_id
            proof = proof_of(node.secret, ACCEPTOR, node.node_id, nonce, hello.node_id, hello.nonce)
            self._writer.write(
                node.codec.encode_frame([handshake_packet(node.registry, node.node_id, node.roles, nonce, proof)])
            )
            stream.enlarge(node.limits.max_frame_bytes)
            node.inbound_authenticated(self)
            while not self.closed:
                payload = await stream.next()
                if payload is None:
                    return self.close()
                try:
                    packets = node.codec.decode_payload(payload)
                except ProtocolError as error:
                    return self._refuse(f"malformed frame: {error.message}")
                first = packets[0] if packets else None
                if first is not None and first.target.kind == "$system" and first.target.id == "handshake":
                    # The dialer's only way to refuse frame 3 is an Error on the link it would have sent on.
                    try:
                        read_handshake(node.registry, packets)
                        why = "handshake frame after the handshake"
                    except HandshakeRefused as refusal:
                        why = refusal.reason
                    return self.drop(why)
                self.silence.heard_from()
                node.receive_batch(packets, self.peer_id)
        except asyncio.TimeoutError:
            self._refuse("handshake timed out")
        except ProtocolError as error:
            self._refuse(f"unreadable stream: {error.message}")
        except (OSError, asyncio.IncompleteReadError):
            self.drop("connection error")
        except asyncio.CancelledError:
            self.close()
            raise

    def _refuse(self, reason):
        if self.closed:
            return
        self._log_drop(reason)
        self.closed = True
        try:
            self._writer.write(self.node.codec.encode_frame([refusal_packet(self.node.registry, reason)]))
            self._writer.write_eof()
        except (OSError, RuntimeError):
            pass
        self.node.linger(self._writer)
        self.node.inbound_closed(self)

    def drop(self, reason):
        if self.closed:
            return
        self._log_drop(reason)
        self.close()

    def _log_drop(self, reason):
        log.warning("dropped connection from %s: %s", self.peer_id or self._who, reason)

    def close(self):
        if self.closed:
            return
        self.closed = True
        self._writer.close()
        if asyncio.current_task() is not self.task:
            self.task.cancel()
        self.node.inbound_closed(self)

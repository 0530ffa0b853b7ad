"""
A cluster member (PROTOCOL.md §4, §6, §7): it listens for peers, dials every other registered member, routes each send
to the live member that owns its target by rendezvous hashing, answers asks, keeps heartbeats going and reports
watched actors' stops. Actors it hosts live in its Runtime.
"""

import asyncio
import logging
import random
import time
from dataclasses import replace

from .actors import DOWN_REASONS, Down, Message, Runtime, expire_at
from .errors import (
    NOT_OWNER_PREFIX,
    ErrorCode,
    PeerDownError,
    ProtocolError,
    UnknownMessageError,
    from_wire,
    to_wire,
)
from .frames import Address, BatchCodec, Packet, PacketFlags
from .limits import DEFAULT_LIMITS
from .links import InboundLink, OutboundLink
from .membership import MemberInfo
from .messages import protocol_registry, table_class
from .routing import Rendezvous

log = logging.getLogger("packetflow.node")

WATCH = "Watch"
LEAVE = "Leave"
HEARTBEAT = "Heartbeat"
ACK = "Ack"
HEARTBEAT_ADDRESS = Address("$system", "heartbeat")
LEAVE_ADDRESS = Address("$system", "leave")
#: A node's own asks use correlation ids below 2^30; asks it passes on to their owner use ids at or above.
MAX_OWN_ID = 0x3FFFFFFF
FIRST_RELAY_ID = 0x40000000
LAST_RELAY_ID = 0x7FFFFFFF
DEFAULT_ASK_MS = 5000
MAX_PENDING_HEARTBEATS = 4
#: How long asks to a member that left gracefully may wait for the replies its drain sends.
LEAVE_DRAIN_BOUND_S = 15.0
LEFT = "left the cluster"
#: How long the other side of a refused handshake has to read why before the socket is closed.
REFUSAL_LINGER_S = 1.0


class _Peer:
    __slots__ = ("info", "link", "attempts", "retry")

    def __init__(self, info, link, attempts):
        self.info = info
        self.link = link
        self.attempts = attempts
        self.retry = None


class Node:
    def __init__(
        self,
        node_id,
        secret,
        membership,
        roles=None,
        registry=None,
        host="127.0.0.1",
        port=0,
        advertise=None,
        heartbeat_ms=400,
        heartbeat_misses=3,
        handshake_timeout_ms=5000,
        limits=DEFAULT_LIMITS,
        max_queued_packets=262_144,
    ):
        if not secret:
            raise ValueError("the cluster secret must not be empty")
        self.node_id = node_id
        self.secret = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
        self.membership = membership
        self._roles = roles
        self.registry = registry or protocol_registry(limits)
        for empty in (WATCH, LEAVE):
            if not self.registry.has(empty):
                self.registry.register_empty(empty)
        self.host = host
        self.port = port
        self.advertise = advertise
        self.heartbeat_ms = heartbeat_ms
        self.heartbeat_misses = heartbeat_misses
        self.handshake_timeout_ms = handshake_timeout_ms
        self.limits = limits
        self.max_queued_packets = max_queued_packets
        self.codec = BatchCodec(limits)
        self.runtime = Runtime(node_id, self)
        self.runtime.on_stopped = self._actor_stopped
        self.router = Rendezvous()
        self.stats = {"undeliverable": 0, "forwarded": 0, "not_owned": 0, "refused": 0, "late_replies": 0}
        self._peers = {}
        self._inbound = set()
        self._registered = []
        self._pending = {}
        self._next_id = 0
        self._relayed = {}
        self._next_relay = FIRST_RELAY_ID
        #: watches this node's actors hold on actors of other nodes: node -> [(watcher, target)]
        self._node_watches = {}
        #: watchers on other nodes of this node's actors: (kind, id) -> [(watcher, node, pinned)]
        self._remote_watchers = {}
        self._heartbeat_sequence = {}
        self._heartbeat_pending = {}
        self.rtt_s = {}
        self._departed = set()
        self._leaving = {}
        self._stopping = False
        self._deregistered = False
        self._tasks = []
        self._lingering = {}

    @property
    def roles(self):
        return list(self._roles) if self._roles is not None else sorted(self.runtime.kinds)

    def register(self, kind, behavior):
        """Hosts actors of `kind`. Register every kind before start(): the kinds are the roles members route by."""
        self.runtime.register(kind, behavior)

    async def start(self):
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        port = self._server.sockets[0].getsockname()[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        address = self.advertise or f"{host}:{port}"
        self.info = MemberInfo(self.node_id, tuple(self.roles), address, int(time.time() * 1000))
        self._unsubscribe = self.membership.on_change(self._update_view)
        await self.membership.start(self.info)
        self._update_view(self.membership.members())
        self._tasks.append(asyncio.get_running_loop().create_task(self._heartbeats()))
        deadline = time.monotonic() + self.handshake_timeout_ms / 1000
        while any(p.link.state == "connecting" for p in self._peers.values()) and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        return self

    @property
    def address(self):
        return self.info.address

    def owner_of(self, kind, id_):
        return self.router.owner(kind, id_)

    def live_members(self):
        return list(self.router.member_ids)

    def owns(self, kind, id_):
        """True only while this node owns `(kind, id)` in its view and its membership is current (PROTOCOL.md §6):
        what a node checks before acting on its own as the one owner."""
        return self.lease_held() and self.owner_of(kind, id_) == self.node_id

    def lease_held(self):
        """Static membership: always. Redis: while the last refresh of this node's record is recent enough, or else
        while every registered member has answered a heartbeat within the detection window, by the clock."""
        if self._stopping or self._deregistered:
            return False
        lease = getattr(self.membership, "lease", None)
        return lease is None or lease.held or self._heard_by_every_member()

    def _heard_by_every_member(self):
        since = time.monotonic() - self.heartbeat_ms * self.heartbeat_misses / 1000
        for member in self._registered:
            if member.id == self.node_id:
                continue
            peer = self._peers.get(member.id)
            if peer is None or peer.link.state != "open" or peer.link.silence.last_heard_at < since:
                return False
        return True

    # Sends -----------------------------------------------------------------------------------------------------

    def tell(self, target, message, sender=None, node=None):
        body = self.registry.encode(message.type, message.body)
        self._send(Packet(target=target, type=message.type, sender=sender, body=body), node)

    async def ask(self, target, message, timeout_ms=DEFAULT_ASK_MS, sender=None, node=None):
        """The reply Message (None for an Ack), or raises the typed error (errors.py) the ask failed with."""
        body = self.registry.encode(message.type, message.body)
        loop = asyncio.get_running_loop()
        self._next_id = self._next_id + 1 if self._next_id < MAX_OWN_ID else 1
        correlation_id = self._next_id
        reply = loop.create_future()
        expire_at(loop, reply, timeout_ms, f"{message.type} to {target}")
        to = node or target.node or self.owner_of(target.kind, target.id)
        self._pending[correlation_id] = (reply, to)
        reply.add_done_callback(lambda _: self._pending.pop(correlation_id, None))
        packet = Packet(
            target=target,
            type=message.type,
            sender=sender or Address("endpoint", self.node_id, self.node_id),
            correlation_id=correlation_id,
            flags=PacketFlags.ASK,
            ttl_ms=timeout_ms,
            body=body,
        )
        self._send(packet, node)
        return await reply

    def watch(self, watcher, target):
        """`watcher` (an actor of this node) gets a Down when `target` stops or its node goes away."""
        node = target.node or self.owner_of(target.kind, target.id)
        if node is None or node == self.node_id:
            self.runtime.watch_local(watcher, target)
            return
        peer = self._peers.get(node)
        if peer is None or peer.link.state == "down":
            self.runtime.deliver(watcher, Message("Down", Down(target, "node_down", f"node {node} is not reachable")))
            return
        self._send(Packet(target=target, type=WATCH, sender=watcher), node)
        self._node_watches.setdefault(node, []).append((watcher, target))

    def _send(self, packet, node=None):
        to = node or packet.target.node or self.owner_of(packet.target.kind, packet.target.id)
        if to == self.node_id:
            asyncio.get_running_loop().call_soon(self._receive_local, packet)
            return
        peer = self._peers.get(to) if to is not None else None
        if peer is None or peer.link.state == "down":
            self._undeliverable(packet, PeerDownError(f"node {to or 'none'} is down: no live member hosts it"))
            return
        if not peer.link.send(packet):
            self._undeliverable(packet, PeerDownError(f"the queue to node {to} is full; send refused"))

    def _undeliverable(self, packet, error):
        if packet.flags & PacketFlags.ASK:
            pending = self._pending.get(packet.correlation_id)
            if pending is not None and not pending[0].done():
                pending[0].set_exception(error)
        else:
            self.stats["undeliverable"] += 1

    def unencodable(self, packet):
        self._undeliverable(packet, ProtocolError(ErrorCode.TOO_LARGE, f"{packet.type} could not be encoded"))

    # Receiving -------------------------------------------------------------------------------------------------

    def receive_batch(self, packets, from_node):
        for packet in packets:
            try:
                self._receive(packet, from_node)
            except Exception:  # one packet's failure must not stop the others or the link
                log.exception("packet from %s failed", from_node)

    def _receive_local(self, packet):
        self._deliver(packet, self.node_id)

    def _receive(self, packet, from_node):
        target = packet.target
        if target.kind == "$system" and packet.type == HEARTBEAT:
            self._heartbeat_from(packet, from_node)
            return
        if target.kind == "$system" and packet.type == LEAVE:
            self._departed.add(from_node)
            return
        if packet.flags & PacketFlags.REPLY and self._relay_answer(packet, from_node):
            return
        action, detail = self._disposition(packet, from_node)
        if action == "forward":
            self._pass_on(packet, from_node, detail)
            return
        if action == "refuse":
            self._not_owned(packet, from_node, detail)
            return
        if packet.type == WATCH and packet.sender is not None:
            key = (target.kind, target.id)
            self._remote_watchers.setdefault(key, []).append((packet.sender, from_node, target.node is not None))
            return
        if packet.type == "Down" and not packet.flags & PacketFlags.REPLY:
            try:
                body = self.registry.decode("Down", packet.body)
            except ProtocolError as error:
                log.warning("unreadable Down from %s refused: %s", from_node, error.message)
                return
            actor = Address(body.actor.kind, body.actor.id, body.actor.node or None)
            reason = DOWN_REASONS[body.reason] if body.reason < len(DOWN_REASONS) else "failed"
            watcher = Address(target.kind, target.id)
            # The watch has ended: the node going down later must not report this actor a second time.
            watches = self._node_watches.get(from_node, [])
            self._node_watches[from_node] = [
                (w, t) for w, t in watches if not (w == watcher and (t.kind, t.id) == (actor.kind, actor.id))
            ]
            self.runtime.deliver(watcher, Message("Down", Down(actor, reason, body.detail or "")))
            return
        self._deliver(packet, from_node)

    def _disposition(self, packet, from_node):
        """PROTOCOL.md §6: deliver what this node owns (or nobody hosts), pass on once, or refuse."""
        target = packet.target
        if packet.flags & PacketFlags.REPLY or target.node is not None or target.kind == "$system":
            return "deliver", None
        owner = self.owner_of(target.kind, target.id)
        if owner is None or owner == self.node_id:
            return "deliver", None
        whose = f"{self.node_id} sees {owner} as the owner of {target.kind}/{target.id}"
        if packet.type == WATCH:
            return "refuse", f"{whose}; send it there"
        if packet.flags & PacketFlags.FORWARDED:
            return "refuse", f"{whose}, and {from_node} forwarded it already"
        if owner == from_node:
            return "refuse", f"{whose}, the node it came from"
        peer = self._peers.get(owner)
        if peer is None or peer.link.state != "open":
            return "refuse", f"{whose}, which it cannot reach"
        return "forward", owner

    def _pass_on(self, packet, from_node, owner):
        flags = packet.flags | PacketFlags.FORWARDED
        passed = replace(packet, flags=flags)
        relay_id = None
        if packet.flags & PacketFlags.ASK:
            relay_id = self._free_relay_id()
            ttl = packet.ttl_ms or DEFAULT_ASK_MS
            timer = asyncio.get_running_loop().call_later(ttl / 1000, self._relayed.pop, relay_id, None)
            self._relayed[relay_id] = (from_node, packet, owner, timer)
            passed = replace(passed, correlation_id=relay_id)
        if self._peers[owner].link.send(passed):
            self.stats["forwarded"] += 1
            return
        if relay_id is not None:
            self._relayed.pop(relay_id)[3].cancel()
        self._not_owned(packet, from_node, f"{self.node_id} could not pass it on to {owner}, its owner")

    def _free_relay_id(self):
        while True:
            self._next_relay = FIRST_RELAY_ID if self._next_relay >= LAST_RELAY_ID else self._next_relay + 1
            if self._next_relay not in self._relayed:
                return self._next_relay

    def _relay_answer(self, reply, from_node):
        relay = self._relayed.get(reply.correlation_id)
        if relay is None or relay[2] != from_node:
            return False
        del self._relayed[reply.correlation_id]
        origin, ask, _, timer = relay
        timer.cancel()
        self._send(replace(reply, correlation_id=ask.correlation_id), origin)
        return True

    def _not_owned(self, packet, from_node, why):
        self.stats["not_owned"] += 1
        if packet.flags & PacketFlags.ASK:
            self._refuse(packet, from_node, ErrorCode.UNAVAILABLE, NOT_OWNER_PREFIX + why)
        else:
            self.stats["undeliverable"] += 1

    def _deliver(self, packet, from_node):
        """Hands a packet for an actor on this node to it, or settles the ask a reply answers."""
        if packet.flags & PacketFlags.REPLY:
            self._settle(packet)
            return
        is_ask = bool(packet.flags & PacketFlags.ASK)
        if is_ask and (packet.correlation_id == 0 or packet.sender is None):
            self._refuse(packet, from_node, ErrorCode.MALFORMED_PACKET, "an ask needs a correlation id and a sender")
            return
        target = packet.target
        if target.node is not None and target.node != self.node_id:
            self._refuse(packet, from_node, ErrorCode.UNAVAILABLE, f"{target} is pinned to {target.node}, not here")
            return
        try:
            body = self.registry.decode(packet.type, packet.body)
        except ProtocolError as error:
            self._refuse(packet, from_node, error.code, error.message)
            return
        message = Message(packet.type, body)
        if not is_ask:
            self.runtime.deliver(Address(target.kind, target.id), message, packet.sender)
            return
        loop = asyncio.get_running_loop()
        reply = loop.create_future()
        expire_at(loop, reply, packet.ttl_ms or DEFAULT_ASK_MS, f"{packet.type} to {target}")
        reply.add_done_callback(lambda done: self._answer(packet, from_node, done))
        self.runtime.deliver(Address(target.kind, target.id), message, packet.sender, reply)

    def _answer(self, ask, from_node, done):
        error = done.exception()
        if error is not None:
            self._answer_error(ask, from_node, *to_wire(error))
            return
        result = done.result()
        if result is None:
            self._reply(ask, from_node, ACK, b"", 0)
            return
        if not isinstance(result, Message) or not self.registry.has(result.type):
            error = UnknownMessageError(f"the reply to {ask.type} is not a message with a registered codec")
            self._answer_error(ask, from_node, *to_wire(error))
            return
        try:
            body = self.registry.encode(result.type, result.body)
        except Exception as failure:
            self._answer_error(ask, from_node, *to_wire(failure))
            return
        self._reply(ask, from_node, result.type, body, 0)

    def _answer_error(self, ask, from_node, code, text):
        error = table_class("Error")()
        error.code = code
        error.message = text
        self._reply(ask, from_node, "Error", self.registry.encode("Error", error), PacketFlags.ERROR)

    def _reply(self, ask, from_node, type_, body, flags):
        packet = Packet(
            target=ask.sender,
            sender=ask.target,
            type=type_,
            correlation_id=ask.correlation_id,
            flags=PacketFlags.REPLY | flags,
            body=body,
        )
        self._send(packet, from_node)

    def _refuse(self, packet, from_node, code, text):
        self.stats["refused"] += 1
        log.warning("packet refused: %s to %s: %s", packet.type, packet.target, text)
        if packet.flags & PacketFlags.ASK and packet.correlation_id and packet.sender is not None:
            self._answer_error(packet, from_node, int(code), text)

    def _settle(self, packet):
        pending = self._pending.get(packet.correlation_id)
        if pending is None or pending[0].done():
            self.stats["late_replies"] += 1
            return
        reply = pending[0]
        if packet.flags & PacketFlags.ERROR:
            try:
                body = self.registry.decode("Error", packet.body)
                reply.set_exception(from_wire(body.code, body.message or ""))
            except ProtocolError as error:
                reply.set_exception(from_wire(error.code, f"unreadable error reply: {error.message}"))
            return
        if packet.type == ACK:
            reply.set_result(None)
            return
        try:
            reply.set_result(Message(packet.type, self.registry.decode(packet.type, packet.body)))
        except ProtocolError as error:
            reply.set_exception(from_wire(error.code, error.message))

    def _actor_stopped(self, kind, id_, reason, detail):
        for watcher, node, pinned in self._remote_watchers.pop((kind, id_), []):
            down = table_class("Down")()
            down.actor = table_class("Address")()
            down.actor.kind, down.actor.id = kind, id_
            down.actor.node = self.node_id if pinned else None
            down.reason = DOWN_REASONS.index(reason)
            down.detail = detail
            self._send(Packet(target=watcher, type="Down", body=self.registry.encode("Down", down)), node)

    # Heartbeats ------------------------------------------------------------------------------------------------

    async def _heartbeats(self):
        while not self._stopping:
            await asyncio.sleep(self.heartbeat_ms / 1000)
            for peer_id, peer in list(self._peers.items()):
                if peer.link.state != "open":
                    continue
                if peer.link.silence.elapse() >= self.heartbeat_misses:
                    peer.link.close(f"no answer to {self.heartbeat_misses} heartbeats in a row")
                    continue
                sequence = (self._heartbeat_sequence.get(peer_id, 0) + 1) & 0xFFFFFFFF
                self._heartbeat_sequence[peer_id] = sequence
                if peer.link.send(self._heartbeat(sequence, time.time() * 1000, 0)):
                    pending = self._heartbeat_pending.setdefault(peer_id, {})
                    if len(pending) >= MAX_PENDING_HEARTBEATS:
                        pending.pop(next(iter(pending)))
                    pending[sequence] = time.monotonic()
            for link in list(self._inbound):
                if link.peer_id is not None and link.silence.elapse() > self.heartbeat_misses:
                    link.drop(f"nothing received for {self.heartbeat_misses + 1} heartbeat intervals")

    def _heartbeat(self, sequence, sent_at_ms, flags):
        beat = table_class("Heartbeat")()
        beat.sequence = sequence
        beat.sentAtMs = sent_at_ms
        body = self.registry.encode(HEARTBEAT, beat)
        return Packet(target=HEARTBEAT_ADDRESS, type=HEARTBEAT, flags=flags, body=body)

    def _heartbeat_from(self, packet, from_node):
        try:
            beat = self.registry.decode(HEARTBEAT, packet.body)
        except ProtocolError as error:
            log.warning("unreadable Heartbeat from %s refused: %s", from_node, error.message)
            return
        if not packet.flags & PacketFlags.REPLY:
            peer = self._peers.get(from_node)
            if peer is not None and peer.link.state == "open":
                peer.link.send(self._heartbeat(beat.sequence, beat.sentAtMs, PacketFlags.REPLY))
            return
        sent_at = self._heartbeat_pending.get(from_node, {}).pop(beat.sequence, None)
        if sent_at is None:
            return
        self.rtt_s[from_node] = time.monotonic() - sent_at
        peer = self._peers.get(from_node)
        if peer is not None:
            peer.link.silence.heard_from()

    # Links and membership --------------------------------------------------------------------------------------

    def linger(self, writer):
        """Closes a refused connection once the peer has had time to read why (or when this node closes)."""

        def close():
            self._lingering.pop(writer, None)
            writer.close()

        self._lingering[writer] = asyncio.get_running_loop().call_later(REFUSAL_LINGER_S, close)

    def _accept(self, reader, writer):
        if self._stopping:
            writer.close()
            return
        self._inbound.add(InboundLink(self, reader, writer))

    def refusal_of(self, peer_id):
        if peer_id == self.node_id:
            return f"{peer_id} claims this node's own id"
        if not self.membership.admits(peer_id):
            return f"{peer_id} is not a listed member"
        if any(link.peer_id == peer_id for link in self._inbound):
            return f"{peer_id} is already connected"
        return None

    def inbound_authenticated(self, link):
        peer = self._peers.get(link.peer_id)
        if peer is None or peer.retry is None or self._stopping:
            return
        # A member that just proved itself alive: dial it back now rather than after the backoff.
        peer.retry.cancel()
        peer.retry = None
        self._redial(peer)

    def inbound_closed(self, link):
        self._inbound.discard(link)
        if link.peer_id is not None:
            self._left_finally(link.peer_id)

    def _update_view(self, members):
        if self._stopping:
            return
        self._registered = list(members)
        current = {m.id: m for m in members}
        for peer_id, peer in list(self._peers.items()):
            info = current.get(peer_id)
            if info is None or info.startedAt != peer.info.startedAt or info.address != peer.info.address:
                self._forget(peer_id, LEFT if info is None else "restarted")
        for member in members:
            if member.id != self.node_id and member.id not in self._peers:
                self._dial(member, 0)
        self._reroute()

    def _dial(self, info, attempts):
        peer = _Peer(info, None, attempts)
        self._peers[info.id] = peer
        peer.link = OutboundLink(self, info)

    def _redial(self, peer):
        info = next((m for m in self._registered if m.id == peer.info.id), None)
        if self._peers.get(peer.info.id) is not peer or self._stopping:
            return
        if info is None:
            del self._peers[peer.info.id]
            return
        self._dial(info, peer.attempts + 1)

    def link_open(self, link):
        self._departed.discard(link.peer.id)
        peer = self._peers.get(link.peer.id)
        if peer is not None and peer.link is link:
            peer.attempts = 0
        self._reroute()

    def link_down(self, link, reason, unsent, was_open, refused):
        peer = self._peers.get(link.peer.id)
        current = peer is not None and peer.link is link and not self._stopping
        if current and link.peer.id in self._departed:
            if was_open:
                log.info("%s left the cluster; link closed", link.peer.id)
        elif current and (was_open or refused):
            log.warning("link to %s at %s down: %s", link.peer.id, link.peer.address, reason)
        self._heartbeat_pending.pop(link.peer.id, None)
        if current:
            self._reroute()
        for packet in unsent:
            self._resend(packet, link.peer.id)
        if not current:
            return
        self._lost(link.peer.id, reason)
        delay = random.random() * min(5.0, 0.1 * 2 ** min(peer.attempts, 10))
        peer.retry = asyncio.get_running_loop().call_later(delay, self._redial_after_backoff, peer)

    def _redial_after_backoff(self, peer):
        peer.retry = None
        self._redial(peer)

    def _resend(self, packet, dead_node):
        if packet.flags & PacketFlags.REPLY or packet.target.node is not None:
            self._undeliverable(packet, PeerDownError(f"node {dead_node} is down: connection lost before sending"))
            return
        to = self.owner_of(packet.target.kind, packet.target.id)
        if packet.flags & PacketFlags.ASK and packet.correlation_id in self._pending:
            reply, _ = self._pending[packet.correlation_id]
            self._pending[packet.correlation_id] = (reply, to)
        self._send(packet, to)

    def _forget(self, peer_id, reason):
        peer = self._peers.pop(peer_id)
        self._reroute()
        if peer.retry is not None:
            peer.retry.cancel()
        peer.link.close(reason)
        if reason != LEFT:
            self._lost(peer_id, reason)
            return
        log.info("%s left the cluster", peer_id)
        for watcher, target in self._node_watches.pop(peer_id, []):
            self.runtime.deliver(watcher, Message("Down", Down(target, "node_down", f"node {peer_id} left the cluster")))
        timer = asyncio.get_running_loop().call_later(LEAVE_DRAIN_BOUND_S, self._left_finally, peer_id)
        self._leaving[peer_id] = timer

    def _left_finally(self, peer_id):
        timer = self._leaving.pop(peer_id, None)
        if timer is None:
            return
        timer.cancel()
        self._departed.discard(peer_id)
        self._lost(peer_id, LEFT)

    def _lost(self, peer_id, reason):
        for reply, node in list(self._pending.values()):
            if node == peer_id and not reply.done():
                reply.set_exception(PeerDownError(f"node {peer_id} is down: {reason}"))
        for relay_id, (origin, ask, owner, timer) in list(self._relayed.items()):
            if owner == peer_id:
                del self._relayed[relay_id]
                timer.cancel()
                why = f"{NOT_OWNER_PREFIX}{self.node_id} passed it on to {peer_id}, its owner, which went down: {reason}"
                self._refuse(ask, origin, ErrorCode.UNAVAILABLE, why)
        for key, watchers in list(self._remote_watchers.items()):
            kept = [w for w in watchers if w[1] != peer_id]
            if kept:
                self._remote_watchers[key] = kept
            else:
                del self._remote_watchers[key]
        for watcher, target in self._node_watches.pop(peer_id, []):
            self.runtime.deliver(watcher, Message("Down", Down(target, "node_down", f"node {peer_id}: {reason}")))

    def _reroute(self):
        live = [
            (m.id, m.roles)
            for m in self._registered
            if m.id == self.node_id or (m.id in self._peers and self._peers[m.id].link.state == "open")
        ]
        if not any(member_id == self.node_id for member_id, _ in live) and hasattr(self, "info"):
            live.append((self.node_id, self.info.roles))
        before = sorted(self.router.member_ids)
        self.router.set_members(live)
        if sorted(self.router.member_ids) != before:
            self.runtime.deactivate_where(lambda kind, id_: self.owner_of(kind, id_) not in (None, self.node_id))

    # Leaving ---------------------------------------------------------------------------------------------------

    async def leave(self, grace_s=0.05):
        """Deregisters, tells every peer `Leave`, lets in-flight handlers answer, then closes every connection."""
        if self._stopping:
            return
        # Deregistering gives the lease up: the others are about to move this node's actors.
        self._deregistered = True
        await self.membership.leave()
        self._unsubscribe()
        for peer in self._peers.values():
            peer.link.send(Packet(target=LEAVE_ADDRESS, type=LEAVE))
        await asyncio.sleep(grace_s)
        for _ in range(2000):
            if not any(a.task is not None or a.mailbox for a in self.runtime.actors.values()):
                break
            await asyncio.sleep(0.005)
        await asyncio.gather(*(p.link.drained() for p in self._peers.values()), return_exceptions=True)
        await self.close()

    async def close(self):
        """Closes every connection at once, without deregistering or draining."""
        self._stopping = True
        if hasattr(self, "_unsubscribe"):
            self._unsubscribe()
        for task in self._tasks:
            task.cancel()
        for peer in list(self._peers.values()):
            if peer.retry is not None:
                peer.retry.cancel()
            peer.link.close("node closed")
        self._peers.clear()
        for link in list(self._inbound):
            link.close()
        for timer in self._leaving.values():
            timer.cancel()
        for _, _, _, timer in self._relayed.values():
            timer.cancel()
        for writer, timer in list(self._lingering.items()):
            timer.cancel()
            writer.close()
        self._lingering.clear()
        if hasattr(self, "_server"):
            self._server.close()
            await self._server.wait_closed()
        close = getattr(self.membership, "close", None)
        if close is not None:
            await close()

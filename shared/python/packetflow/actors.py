"""
Actors on one node: each handles one message at a time (its own asyncio task drains its mailbox), virtual actors are
activated by their first message, and a handler that raises is dealt with by its kind's supervision policy: restarted
with fresh state while it stays within its budget (OTP's restart intensity), stopped past it. Watchers of an actor
that stops get a `Down`.
"""

import asyncio
import inspect
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from .errors import (
    ActorStoppedError,
    AskTimeoutError,
    HandlerError,
    RefusedError,
    UnknownKindError,
    UnknownMessageError,
)
from .frames import Address

log = logging.getLogger("packetflow.actors")

#: PacketFlow.System.DownReason, in enum order
DOWN_REASONS = ("normal", "failed", "node_down", "no_actor")


@dataclass
class Message:
    type: str
    #: the body object (flatc's object API, `PlayerStatsT`), or None for a message without fields
    body: Any = None


@dataclass(frozen=True)
class Down:
    """What a watcher receives, as a Message of type "Down", when a watched actor stops or its node goes."""

    actor: Address
    reason: str
    detail: str = ""


@dataclass
class Behavior:
    """An actor kind: its initial state from its id, its handlers by message type, and its supervision policy."""

    initial: Callable[[str], Any]
    handlers: dict
    #: "restart" (within the budget below, then stop) or "stop"
    strategy: str = "restart"
    max_restarts: int = 3
    within_ms: int = 5000
    #: an activation without a message for this long is dropped from memory (its next message starts it afresh);
    #: None: kept until it stops. As @packetflow/actors' `idleTimeoutMs`.
    idle_timeout_ms: Optional[int] = None


@dataclass
class _Envelope:
    message: Message
    sender: Optional[Address]
    reply: Optional[asyncio.Future]


@dataclass
class Actor:
    kind: str
    id: str
    behavior: Behavior
    state: Any
    mailbox: deque = field(default_factory=deque)
    task: Optional[asyncio.Task] = None
    restarts: list = field(default_factory=list)
    stopped: bool = False
    stop_requested: bool = False
    #: the timer that drops it once idle (Behavior.idle_timeout_ms), while it waits for a message
    idle_timer: Optional[asyncio.TimerHandle] = None

    @property
    def address(self):
        return Address(self.kind, self.id)


class ActorContext:
    """What a handler sees: its state, its address, the sender, and a way to reach other actors."""

    def __init__(self, runtime, actor, sender):
        self._runtime = runtime
        self._actor = actor
        self.sender = sender

    @property
    def state(self):
        return self._actor.state

    @state.setter
    def state(self, value):
        self._actor.state = value

    @property
    def self(self):
        return self._actor.address

    @property
    def node_id(self):
        return self._runtime.node_id

    def tell(self, target, message):
        self._runtime.router.tell(target, message, sender=self.self)

    async def ask(self, target, message, timeout_ms=5000):
        return await self._runtime.router.ask(target, message, timeout_ms=timeout_ms, sender=self.self)

    def watch(self, target):
        self._runtime.router.watch(self.self, target)

    def stop(self):
        self._actor.stop_requested = True


class Runtime:
    """The actors this node hosts. `router` is the node: where sends to other actors go."""

    def __init__(self, node_id, router):
        self.node_id = node_id
        self.router = router
        self.kinds = {}
        self.actors = {}
        #: watchers on this node of actors on this node, by (kind, id)
        self.watchers = {}
        self.stats = {"restarts": 0, "stops": 0, "dead_letters": 0, "handled": 0}
        #: called with (kind, id, reason, detail) when an actor stops, for watchers on other nodes
        self.on_stopped = lambda kind, id_, reason, detail: None

    def register(self, kind, behavior):
        self.kinds[kind] = behavior

    def deliver(self, target, message, sender=None, reply=None):
        """Puts a message in the target's mailbox, activating it; `reply` (a Future) is settled with the answer."""
        behavior = self.kinds.get(target.kind)
        if behavior is None:
            if reply is not None and not reply.done():
                reply.set_exception(UnknownKindError(f'no behavior registered for actor kind "{target.kind}"'))
            else:
                self._dead_letter(target, message, "unknown kind")
            return
        key = (target.kind, target.id)
        actor = self.actors.get(key)
        if actor is None:
            try:
                state = behavior.initial(target.id)
            except RefusedError as error:
                # An id the kind will not take (a malformed one): refused, as a handler refuses a message.
                if reply is not None and not reply.done():
                    reply.set_exception(error)
                else:
                    self._dead_letter(target, message, str(error))
                return
            except Exception as error:
                if reply is not None and not reply.done():
                    reply.set_exception(HandlerError(f"{target.kind}/{target.id} failed to start: {error}"))
                else:
                    self._dead_letter(target, message, f"failed to start: {error}")
                return
            actor = Actor(target.kind, target.id, behavior, state)
            self.actors[key] = actor
        if actor.idle_timer is not None:
            actor.idle_timer.cancel()
            actor.idle_timer = None
        actor.mailbox.append(_Envelope(message, sender, reply))
        if actor.task is None:
            actor.task = asyncio.get_running_loop().create_task(self._drain(actor))

    def watch_local(self, watcher, target):
        if target.kind not in self.kinds:
            self.deliver(watcher, Message("Down", Down(target, "no_actor", "no such actor")))
            return
        self.watchers.setdefault((target.kind, target.id), []).append(watcher)

    def deactivate_where(self, predicate):
        """Drops idle activations that `predicate(kind, id)` says this node no longer owns."""
        for key, actor in list(self.actors.items()):
            if actor.task is None and not actor.mailbox and predicate(*key):
                del self.actors[key]

    async def _drain(self, actor):
        try:
            while actor.mailbox and not actor.stopped:
                envelope = actor.mailbox.popleft()
                await self._handle(actor, envelope)
                if actor.stop_requested and not actor.stopped:
                    self._stop(actor, "normal", None)
        finally:
            actor.task = None
        timeout_ms = actor.behavior.idle_timeout_ms
        if timeout_ms is not None and not actor.stopped:
            actor.idle_timer = asyncio.get_running_loop().call_later(timeout_ms / 1000, self._deactivate_idle, actor)

    def _deactivate_idle(self, actor):
        actor.idle_timer = None
        key = (actor.kind, actor.id)
        if self.actors.get(key) is actor and actor.task is None and not actor.mailbox:
            del self.actors[key]

    async def _handle(self, actor, envelope):
        message, reply = envelope.message, envelope.reply
        if reply is not None and reply.done():
            return  # the asker has given up: nobody waits for this work
        handler = actor.behavior.handlers.get(message.type)
        if handler is None:
            error = UnknownMessageError(f'{actor.kind}/{actor.id} has no handler for "{message.type}"')
            if reply is not None:
                reply.set_exception(error)
            else:
                self._dead_letter(actor.address, message, "no handler")
            return
        self.stats["handled"] += 1
        try:
            result = handler(message, ActorContext(self, actor, envelope.sender))
            if inspect.isawaitable(result):
                result = await result
        except RefusedError as error:
            if reply is not None and not reply.done():
                reply.set_exception(error)
            return
        except Exception as error:
            text = f'{actor.kind}/{actor.id} failed handling "{message.type}": {error}'
            if reply is not None and not reply.done():
                reply.set_exception(HandlerError(text))
            else:
                log.warning("handler failed: %s", text)
            self._fail(actor, error)
            return
        if reply is not None and not reply.done():
            reply.set_result(result)

    def _fail(self, actor, error):
        behavior = actor.behavior
        if behavior.strategy == "restart":
            now = time.monotonic() * 1000
            actor.restarts = [at for at in actor.restarts if at > now - behavior.within_ms]
            if len(actor.restarts) < behavior.max_restarts:
                actor.restarts.append(now)
                try:
                    actor.state = behavior.initial(actor.id)
                    self.stats["restarts"] += 1
                    return
                except Exception as init_error:
                    error = init_error
            else:
                log.warning("restart budget exceeded; stopping %s/%s: %s", actor.kind, actor.id, error)
        self._stop(actor, "failed", error)

    def _stop(self, actor, reason, error):
        actor.stopped = True
        self.stats["stops"] += 1
        if self.actors.get((actor.kind, actor.id)) is actor:
            del self.actors[(actor.kind, actor.id)]
        while actor.mailbox:
            envelope = actor.mailbox.popleft()
            if envelope.reply is not None and not envelope.reply.done():
                envelope.reply.set_exception(ActorStoppedError(f"{actor.kind}/{actor.id} has stopped"))
        detail = "" if error is None else str(error)
        self.on_stopped(actor.kind, actor.id, reason, detail)
        for watcher in self.watchers.pop((actor.kind, actor.id), []):
            self.deliver(watcher, Message("Down", Down(actor.address, reason, detail)))

    def _dead_letter(self, target, message, why):
        self.stats["dead_letters"] += 1
        log.warning("dead letter (%s): %s to %s", why, message.type, target)


def expire_at(loop, reply, timeout_ms, what):
    """Fails `reply` with a timeout once `timeout_ms` has passed, unless it is settled first."""

    def expire():
        if not reply.done():
            reply.set_exception(AskTimeoutError(f"ask {what} got no reply within {timeout_ms} ms"))

    handle = loop.call_later(timeout_ms / 1000, expire)
    reply.add_done_callback(lambda _: handle.cancel())

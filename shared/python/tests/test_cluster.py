"""Python nodes among themselves: asks with deadlines, tells, typed errors, one owner, supervision, watch/Down."""

import asyncio

import pytest

from packetflow.actors import Behavior, Message
from packetflow.errors import (
    ActorStoppedError,
    AskTimeoutError,
    HandlerError,
    NotOwnerError,
    PeerDownError,
    RefusedError,
    UnknownKindError,
    UnknownMessageError,
)
from packetflow.frames import Address, Packet, PacketFlags
from support import run, static_nodes, stats, until


def ids_owned_by(node, owner, count):
    found = []
    i = 0
    while len(found) < count:
        if node.owner_of("counter", f"c-{i}") == owner:
            found.append(f"c-{i}")
        i += 1
    return found


@run
async def test_asks_reach_the_owner_and_tells_arrive_in_order():
    a, b = await static_nodes(["py-a", "py-b"])
    try:
        (remote,) = ids_owned_by(a, "py-b", 1)
        reply = await a.ask(Address("counter", remote), Message("Bump", stats("x", score=7)))
        assert reply.type == "Bumped" and reply.body.playerId == "py-b" and reply.body.score == 7
        for n in range(5):
            a.tell(Address("counter", remote), Message("Bump", stats("x", score=n)))
        reply = await a.ask(Address("counter", remote), Message("Bump", stats("x", score=99)))
        assert reply.body.matches == 7
    finally:
        await asyncio.gather(a.close(), b.close())


@run
async def test_errors_come_back_typed():
    a, b = await static_nodes(["py-a", "py-b"])
    try:
        (remote,) = ids_owned_by(a, "py-b", 1)
        target = Address("counter", remote)
        with pytest.raises(HandlerError, match="asked to fail"):
            await a.ask(target, Message("Fail", stats("boom")))
        with pytest.raises(RefusedError, match="refused on purpose"):
            await a.ask(target, Message("Refuse", stats("no")))
        with pytest.raises(UnknownMessageError):
            await a.ask(target, Message("Bumped", stats("no handler")))
        with pytest.raises(UnknownKindError):
            await a.ask(Address("nobody", "x"), Message("Bump", stats("x")), node="py-b")
        with pytest.raises(AskTimeoutError):
            await a.ask(target, Message("Slow", stats("s", score=2000)), timeout_ms=200)
    finally:
        await asyncio.gather(a.close(), b.close())


@run
async def test_a_handler_that_raises_is_restarted_within_its_budget_then_stopped():
    a, b = await static_nodes(["py-a", "py-b"])
    try:
        (remote,) = ids_owned_by(a, "py-b", 1)
        target = Address("counter", remote)
        await a.ask(target, Message("Bump", stats("x")))
        await a.ask(target, Message("Bump", stats("x")))
        with pytest.raises(HandlerError):
            await a.ask(target, Message("Fail", stats("1")))
        # Restarted: fresh state.
        assert (await a.ask(target, Message("Bump", stats("x")))).body.matches == 1
        with pytest.raises(HandlerError):
            await a.ask(target, Message("Fail", stats("2")))
        assert b.runtime.stats["restarts"] == 2
        # Past the budget (2 restarts) it stops; the next message activates a new one.
        with pytest.raises(HandlerError):
            await a.ask(target, Message("Fail", stats("3")))
        assert b.runtime.stats["stops"] == 1
        assert (await a.ask(target, Message("Bump", stats("x")))).body.matches == 1
    finally:
        await asyncio.gather(a.close(), b.close())


@run
async def test_a_non_owner_passes_an_ask_on_once_and_refuses_a_forwarded_one():
    a, b, c = await static_nodes(["py-a", "py-b", "py-c"])
    try:
        (on_c,) = ids_owned_by(a, "py-c", 1)
        # Sent to b, which does not own it: b passes it on to c, and c's answer comes back through b.
        reply = await a.ask(Address("counter", on_c), Message("Bump", stats("x")), node="py-b")
        assert reply.body.playerId == "py-c" and b.stats["forwarded"] == 1
        packet = Packet(
            target=Address("counter", on_c),
            type="Bump",
            sender=Address("endpoint", "py-a", "py-a"),
            correlation_id=77,
            flags=PacketFlags.ASK | PacketFlags.FORWARDED,
            ttl_ms=1000,
            body=a.registry.encode("Bump", stats("x")),
        )
        reply = asyncio.get_running_loop().create_future()
        a._pending[77] = (reply, "py-b")
        a._send(packet, "py-b")
        with pytest.raises(NotOwnerError):
            await reply
    finally:
        await asyncio.gather(a.close(), b.close(), c.close())


@run
async def test_watchers_get_down_when_an_actor_stops_and_node_down_when_its_node_goes():
    a, b = await static_nodes(["py-a", "py-b"])
    downs = []
    a.register("watcher", Behavior(initial=lambda id_: None, handlers={"Down": lambda msg, ctx: downs.append(msg.body)}))
    try:
        remote = ids_owned_by(a, "py-b", 2)
        watcher = Address("watcher", "w-1")
        for id_ in remote:
            a.watch(watcher, Address("counter", id_))
        await asyncio.sleep(0.1)
        for _ in range(3):
            with pytest.raises((HandlerError, ActorStoppedError)):
                await a.ask(Address("counter", remote[0]), Message("Fail", stats("x")))
        await until(lambda: len(downs) == 1, what="Down for the failed actor")
        assert downs[0].actor == Address("counter", remote[0]) and downs[0].reason == "failed"
        await b.close()
        await until(lambda: len(downs) == 2, what="Down for the actor of the closed node")
        assert downs[1].actor == Address("counter", remote[1]) and downs[1].reason == "node_down"
        with pytest.raises((PeerDownError, UnknownKindError, NotOwnerError)):
            await a.ask(Address("counter", "x"), Message("Bump", stats("x")), node="py-b")
    finally:
        await asyncio.gather(a.close(), b.close())

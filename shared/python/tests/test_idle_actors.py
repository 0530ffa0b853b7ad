"""Behavior.idle_timeout_ms: an activation left without a message for that long is dropped, and starts afresh."""

import asyncio

from packetflow.actors import Behavior, Message, Runtime
from packetflow.frames import Address
from support import run, until


def counting(idle_timeout_ms):
    def bump(msg, ctx):
        ctx.state["count"] += 1
        return ctx.state["count"]

    async def slow(msg, ctx):
        await asyncio.sleep(0.3)
        return ctx.state["count"]

    return Behavior(initial=lambda id_: {"count": 0}, handlers={"Bump": bump, "Slow": slow},
                    idle_timeout_ms=idle_timeout_ms)


async def ask(runtime, id_, type_="Bump"):
    reply = asyncio.get_running_loop().create_future()
    runtime.deliver(Address("counter", id_), Message(type_), reply=reply)
    return await reply


@run
async def test_an_idle_activation_is_dropped_and_the_next_message_starts_it_afresh():
    runtime = Runtime("py-1", router=None)
    runtime.register("counter", counting(idle_timeout_ms=100))
    assert [await ask(runtime, "c-1") for _ in range(3)] == [1, 2, 3]
    assert ("counter", "c-1") in runtime.actors
    await until(lambda: ("counter", "c-1") not in runtime.actors, what="c-1 dropped once idle")
    assert await ask(runtime, "c-1") == 1


@run
async def test_an_activation_that_keeps_getting_messages_is_kept():
    runtime = Runtime("py-1", router=None)
    runtime.register("counter", counting(idle_timeout_ms=2000))
    for expected in range(1, 6):
        assert await ask(runtime, "c-1") == expected
        await asyncio.sleep(0.05)


@run
async def test_a_handler_running_longer_than_the_timeout_is_not_idle():
    runtime = Runtime("py-1", router=None)
    runtime.register("counter", counting(idle_timeout_ms=100))
    assert await ask(runtime, "c-1") == 1
    assert await ask(runtime, "c-1", "Slow") == 1
    # The timer starts once the mailbox is empty; a message the asker sends at once finds the activation.
    assert await ask(runtime, "c-1") == 2


@run
async def test_without_a_timeout_an_activation_stays():
    runtime = Runtime("py-1", router=None)
    runtime.register("counter", counting(idle_timeout_ms=None))
    await ask(runtime, "c-1")
    await asyncio.sleep(0.3)
    assert await ask(runtime, "c-1") == 2

"""What the cluster tests share: free ports, nodes on static membership, a counter behavior, waiting for a condition."""

import asyncio
import functools
import socket
import time

from packetflow.actors import Behavior, Message
from packetflow.errors import RefusedError
from packetflow.membership import MemberInfo, StaticMembership
from packetflow.messages import protocol_registry, table_class
from packetflow.node import Node

SECRET = "test-secret-16-chars-or-more"


def run(test):
    """Runs an async test function on a fresh event loop (pytest-asyncio is not a Debian package here)."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(asyncio.wait_for(test(*args, **kwargs), 60))

    return wrapper


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bump_registry():
    """`Bump` and `Bumped` on the PlayerStats table, as the TypeScript test fixtures register them."""
    registry = protocol_registry()
    registry.register("Bump", "PlayerStats")
    registry.register("Bumped", "PlayerStats")
    registry.register("Fail", "PlayerStats")
    registry.register("Refuse", "PlayerStats")
    return registry


def stats(player_id, matches=0, score=0):
    body = table_class("PlayerStats")()
    body.playerId = player_id
    body.matches = matches
    body.score = score
    return body


def counter(node_id, handled=None):
    """Counts bumps per activation and answers with the node that handled it; `Fail` raises, `Refuse` refuses."""

    def bump(msg, ctx):
        ctx.state["count"] += 1
        if handled is not None:
            handled.append(msg.body.score)
        return Message("Bumped", stats(node_id, ctx.state["count"], msg.body.score))

    def fail(msg, ctx):
        raise RuntimeError(f"asked to fail ({msg.body.playerId})")

    def refuse(msg, ctx):
        raise RefusedError("refused on purpose")

    async def slow(msg, ctx):
        await asyncio.sleep(msg.body.score / 1000)

    return Behavior(
        initial=lambda id_: {"count": 0},
        handlers={"Bump": bump, "Fail": fail, "Refuse": refuse, "Slow": slow},
        max_restarts=2,
        within_ms=60_000,
    )


async def static_nodes(ids, roles=("counter",), **options):
    """Started nodes of a static cluster, each hosting `counter` when it is among their roles."""
    ports = {node_id: free_port() for node_id in ids}
    members = [MemberInfo(node_id, tuple(roles), f"127.0.0.1:{port}", 0) for node_id, port in ports.items()]
    nodes = []
    for node_id in ids:
        registry = bump_registry()
        registry.register("Slow", "PlayerStats")
        node = Node(node_id, SECRET, StaticMembership(members), roles=list(roles), registry=registry,
                    port=ports[node_id], **options)
        if "counter" in roles:
            node.register("counter", counter(node_id))
        nodes.append(node)
    await asyncio.gather(*(n.start() for n in nodes))
    await until(lambda: all(len(n.live_members()) == len(ids) for n in nodes))
    return nodes


async def until(condition, timeout_s=10.0, what="condition"):
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout_s} s")
        await asyncio.sleep(0.01)
